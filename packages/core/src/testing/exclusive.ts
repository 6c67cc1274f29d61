import { markOwn } from '../capture/own-marker.js';

let queue: Promise<unknown> = Promise.resolve();
const settled = (): void => {};

/**
 * Runs `task` once every earlier one has settled: the heap checks of one thread (leak checks,
 * collection checks, retained sizes) never overlap, so concurrent tests in one worker cannot
 * mix their marks and snapshots.
 */
export function exclusive<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  // heapdiff's own, and holding no result: a check's diff must not count the queue.
  queue = markOwn(run.then(settled, settled));
  return run;
}
