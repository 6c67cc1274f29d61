// vitest global setup: builds the packages once before the suite (the root `build` script:
// `tsc -b`, incremental, then the CLI's bundle), so that the tests that run `heapdiff` as users
// do — packages/cli/bin, the demo — run the code under test, also from a fresh clone. The other
// tests import the TypeScript sources directly.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export default function buildPackages(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
}
