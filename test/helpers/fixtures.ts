import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/snapshots/', import.meta.url));
export const NODE_MAJORS = [18, 20, 22, 24, 26] as const;
/** A committed fixture: written by Node of that major version, or by Chromium (`'chrome'`). */
export type Fixture = (typeof NODE_MAJORS)[number] | 'chrome';

function fixtureName(fixture: Fixture): string {
  return fixture === 'chrome' ? 'chrome' : `node${fixture}`;
}

/** Path of a committed gzipped fixture. */
export function fixturePath(fixture: Fixture): string {
  return join(FIXTURES_DIR, `${fixtureName(fixture)}.heapsnapshot.gz`);
}

const inflated = new Map<string, string>();
/** The fixture inflated to a temporary `.heapsnapshot` file (once per test process). */
export function inflatedFixture(fixture: Fixture): string {
  const source = fixturePath(fixture);
  let path = inflated.get(source);
  if (!path) {
    path = join(tempDir('heapdiff-fixture-'), `${fixtureName(fixture)}.heapsnapshot`);
    writeFileSync(path, gunzipSync(readFileSync(source)));
    inflated.set(source, path);
  }
  return path;
}

/** A fresh temporary directory. */
/** The directories `tempDir` made in this process: removed when it exits. */
const madeDirs: string[] = [];
let cleanupArmed = false;

/**
 * A fresh directory for a test's files: in a vitest run, inside the run's folder (made and
 * removed by the global setup, test/build-packages.ts); elsewhere under the system's temporary
 * one, removed when the process exits. (A run of the suite writes some GB of snapshots; they
 * piled up in /tmp run after run until the disk was full.)
 */
export function tempDir(prefix = 'heapdiff-test-'): string {
  const dir = mkdtempSync(join(process.env['HEAPDIFF_TEST_TMP'] ?? tmpdir(), prefix));
  madeDirs.push(dir);
  if (!cleanupArmed) {
    cleanupArmed = true;
    process.on('exit', () => {
      for (const made of madeDirs) rmSync(made, { recursive: true, force: true });
    });
  }
  return dir;
}
