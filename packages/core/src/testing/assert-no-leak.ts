import { AssertionError } from 'node:assert';
import { checkForLeaks, type LeakCheckOptions, type LeakVerdict } from './leak-check.js';
import { describeLeaks } from './leak-message.js';

/**
 * Fails with an `AssertionError` when `scenario` leaks (see `checkForLeaks`); resolves with the
 * verdict otherwise. For node:test, mocha, jest or any runner that reports thrown assertion
 * errors.
 *
 * @example
 * test('closing a connection frees it', async () => {
 *   await assertNoLeak(async () => (await pool.connect()).close())
 * })
 */
export async function assertNoLeak(scenario: () => unknown, options: LeakCheckOptions = {}): Promise<LeakVerdict> {
  const verdict = await checkForLeaks(scenario, options);
  if (verdict.leaks.length > 0) {
    throw new AssertionError({
      message: `the scenario leaks: ${describeLeaks(verdict)}`,
      actual: verdict.leaks.map((l) => l.className),
      expected: [],
      operator: 'assertNoLeak',
    });
  }
  return verdict;
}
