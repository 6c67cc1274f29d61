#!/usr/bin/env node
// The published entry point: runs the bundled CLI (bundle/, made by `pnpm build`: one file
// to load instead of some 250 modules). The test suite runs the TypeScript sources instead.
// Big inputs on Linux first get a process of their own with huge pages (src/huge-pages.ts).
import { existsSync } from 'node:fs';

const bundled = new URL('../bundle/heapdiff.js', import.meta.url);
if (!existsSync(bundled)) {
  process.stderr.write('heapdiff: the CLI is not built yet; run `pnpm build` in the repository first\n');
  process.exit(2);
}
const { relaunchWithHugePages } = await import(new URL('../bundle/huge-pages.js', import.meta.url).href);
if (!relaunchWithHugePages(process.argv.slice(2))) await import(bundled.href);
