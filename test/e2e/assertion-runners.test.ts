import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
import { TSX_ARGS } from '../helpers/run-cli.js';
import { runProgram } from '../helpers/run-program.js';

// The leak assertions as users run them: a vitest suite registering the matchers with one
// setup-file line, in vitest's default pool (forks), the threads pool and a vm pool, and a node:test
// file with the framework-free entry. The programs: fixtures/programs/assertions.
const dir = fileURLToPath(new URL('../fixtures/programs/assertions/', import.meta.url));
const vitestBin = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
const env = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
  const out: NodeJS.ProcessEnv = { ...process.env, TSX_DISABLE_CACHE: '1', ...extra };
  // The child is a vitest run of its own, not a worker of this one.
  for (const name of Object.keys(out)) if (name.startsWith('VITEST')) delete out[name];
  return out;
};

describe('leak assertions in a user suite', () => {
  // vmThreads: V8 counts no objects of a vm context, so a passing check there takes the snapshots.
  for (const pool of ['forks', 'threads', 'vmThreads']) {
    it(`vitest, ${pool} pool: the matchers from the setup file; every expectation holds`, async () => {
      const report = join(tempDir(), 'report.json');
      await runProgram(`vitest (${pool})`, process.execPath, [vitestBin, 'run', '--reporter=json', `--outputFile=${report}`], { env: env({ ASSERTIONS_POOL: pool }), cwd: dir, timeoutMs: 300_000 });
      const result = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number };
      expect(result).toMatchObject({ numPassedTests: 5, numFailedTests: 0 });
      // (A whole vitest run: 15–20 s alone, 60 s on a loaded machine; as long as the run may take.)
    }, 300_000);
  }

  it('vitest: a check without await fails its test, saying so, instead of passing while it runs; a never-settling scenario times out', async () => {
    const report = join(tempDir(), 'report.json');
    await runProgram('vitest (unawaited)', process.execPath, [vitestBin, 'run', '--reporter=json', `--outputFile=${report}`], {
      env: env({ ASSERTIONS_SPEC: 'unawaited.spec.mjs' }),
      cwd: dir,
      timeoutMs: 300_000,
      expectedExit: 1,
    });
    const result = JSON.parse(readFileSync(report, 'utf8')) as { testResults: { assertionResults: { title: string; status: string; failureMessages: string[]; duration: number }[] }[] };
    const all = result.testResults.flatMap((file) => file.assertionResults);
    const tests = all.filter((t) => t.title !== 'times out').map((t) => [t.title, t.status, t.failureMessages[0]?.split('\n')[0] ?? '']);
    expect(tests).toEqual([
      ['a leaking scenario, not awaited', 'failed', 'Error: expect(…).not.toLeak() was not awaited: the test ended while the check was running; write `await expect(…).not.toLeak()`'],
      ['a clean scenario, not awaited', 'failed', 'Error: expect(…).not.toLeak() was not awaited: the test ended while the check was running; write `await expect(…).not.toLeak()`'],
      ['a collection check, not awaited', 'failed', 'Error: expect(…).toBeCollected() was not awaited: the test ended while the check was running; write `await expect(…).toBeCollected()`'],
      ['an awaited check next to them still passes', 'passed', ''],
    ]);
    // Each failure points at the test's line (where the matcher was called), not at heapdiff's code.
    for (const t of all.filter((t) => t.title.endsWith('not awaited'))) {
      expect(t.failureMessages[0]).toMatch(/unawaited\.spec\.mjs:\d+:\d+/);
      expect(t.failureMessages[0]).not.toMatch(/testing[/\\]vitest/);
    }
    // Failed by its 2 s timeout, and over: the end of the test did not wait for the check.
    expect(all.find((t) => t.title === 'times out')).toMatchObject({ status: 'failed', duration: expect.any(Number) });
    expect(all.find((t) => t.title === 'times out')!.duration).toBeLessThan(10_000);
  }, 300_000);

  it('node:test with assertNoLeak and assertCollected', async () => {
    const stdout = await runProgram('node --test', process.execPath, [...TSX_ARGS, '--test', '--test-reporter=tap', join(dir, 'node-test.mjs')], { env: env({}), cwd: dir, timeoutMs: 300_000 });
    expect(stdout).toMatch(/^# pass 3$/m);
    expect(stdout).toMatch(/^# fail 0$/m);
  }, 300_000);
});
