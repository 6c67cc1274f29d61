import { setImmediate, setTimeout } from 'node:timers';
import { markOwn } from './own-marker.js';

// Node's own timers, taken when heapdiff loads: a test's fake timers (vitest's, sinon's),
// installed later, must not hold back a mark or a diff.
const realSetImmediate = setImmediate;
const realSetTimeout = setTimeout;
const realNow = performance.now.bind(performance);

/** Runs `task` in an immediate (the event loop's next check phase), heapdiff's own (marked). */
export function immediately(task: () => void): void {
  markOwn(realSetImmediate(task));
}

/** Resolves in the event loop's next check phase: once the caller's stack and queued work are done. */
export function nextCheckPhase(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}

/** Resolves after `ms` milliseconds of real time. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms));
}

/** Milliseconds since the process started, by Node's own clock (a faked `performance` aside). */
export function now(): number {
  return realNow();
}
