import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/snapshots/', import.meta.url));
export const NODE_MAJORS = [18, 20, 22, 24, 26] as const;

/** Path of the committed gzipped fixture written by Node `major`. */
export function fixturePath(major: (typeof NODE_MAJORS)[number]): string {
  return join(FIXTURES_DIR, `node${major}.heapsnapshot.gz`);
}

const inflated = new Map<string, string>();
/** The fixture inflated to a temporary `.heapsnapshot` file (once per test process). */
export function inflatedFixture(major: (typeof NODE_MAJORS)[number]): string {
  const source = fixturePath(major);
  let path = inflated.get(source);
  if (!path) {
    path = join(mkdtempSync(join(tmpdir(), 'heapdiff-fixture-')), `node${major}.heapsnapshot`);
    writeFileSync(path, gunzipSync(readFileSync(source)));
    inflated.set(source, path);
  }
  return path;
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'heapdiff-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
