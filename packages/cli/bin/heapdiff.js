#!/usr/bin/env node
// The published entry point: runs the compiled CLI. In this repository, build it first
// with `pnpm build` (the test suite runs the TypeScript sources directly instead).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(compiled)) {
  process.stderr.write('heapdiff: the CLI is not built yet; run `pnpm build` in the repository first\n');
  process.exit(2);
}
await import(compiled.href);
