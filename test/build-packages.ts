// vitest global setup: builds the packages once before the suite (the root `build` script:
// `tsc -b`, incremental, then the CLI's bundle), so that the tests that run `heapdiff` as users
// do — packages/cli/bin, the demo — run the code under test, also from a fresh clone. The other
// tests import the TypeScript sources directly. It also gives the run one temporary folder
// for every test's `tempDir` (test/helpers/fixtures.ts), removed with all it holds at the end.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export default function buildPackages(): () => void {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  // The workers inherit it; they are stopped without an 'exit' event, so they cannot clean up.
  const runDir = mkdtempSync(join(tmpdir(), 'heapdiff-test-run-'));
  process.env['HEAPDIFF_TEST_TMP'] = runDir;
  return () => rmSync(runDir, { recursive: true, force: true });
}
