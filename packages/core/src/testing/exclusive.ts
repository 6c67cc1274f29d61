import { AsyncLocalStorage } from 'node:async_hooks';
import { markOwn } from '../capture/own-marker.js';

let queue: Promise<unknown> = Promise.resolve();
const settled = (): void => {};
/** Set while a check runs: a check started from inside one (its scenario) would wait for itself. */
const inside = new AsyncLocalStorage<string>();

/**
 * Runs `task` once every earlier one has settled: the heap checks of one thread (leak checks,
 * collection checks, retained sizes) never overlap, so concurrent tests in one worker cannot
 * mix their marks and snapshots. A check started from inside another's scenario is refused
 * (it would wait for the check that runs the scenario: a deadlock).
 */
export function exclusive<T>(name: string, task: () => Promise<T>): Promise<T> {
  const outer = inside.getStore();
  if (outer !== undefined) {
    return Promise.reject(new Error(`${name}: cannot run inside the scenario of ${outer} (it would wait for that check to end, which waits for the scenario); run it before or after`));
  }
  const guarded = (): Promise<T> => inside.run(name, task);
  const run = queue.then(guarded, guarded);
  // heapdiff's own, and holding no result: a check's diff must not count the queue.
  queue = markOwn(run.then(settled, settled));
  return run;
}
