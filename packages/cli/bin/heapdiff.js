#!/usr/bin/env node
// The published entry point: runs the bundled CLI (bundle/, made by `pnpm build`: one file
// to load instead of some 250 modules). The test suite runs the TypeScript sources instead.
import { existsSync } from 'node:fs';

const bundled = new URL('../bundle/heapdiff.js', import.meta.url);
if (!existsSync(bundled)) {
  process.stderr.write('heapdiff: the CLI is not built yet; run `pnpm build` in the repository first\n');
  process.exit(2);
}
await import(bundled.href);
