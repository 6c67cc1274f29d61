// `@heapdiff/core/vitest`: one setup-file line (`import '@heapdiff/core/vitest'`) adds the leak
// matchers to vitest's `expect`, typed. The same checks for other runners: `@heapdiff/core/assert`.
import { expect } from 'vitest';
import { notCollectedMessage, isCollected, trackCollection, type CollectionTracker } from './collection.js';
import { checkForLeaks, type LeakCheckOptions } from './leak-check.js';
import { describeLeaks } from './leak-message.js';
import { retainedSizeOf } from './retained-size.js';
import { formatBytes } from '../format/bytes.js';

export { trackCollection, retainedSizeOf, type CollectionTracker, type LeakCheckOptions };

/** The matchers this module adds to `expect`. */
export interface HeapdiffMatchers<R = unknown> {
  /**
   * `await expect(scenario).not.toLeak(options)`: runs the scenario (a function, sync or async)
   * after a warm-up, `iterations` times, and fails when a class's new objects still alive grow
   * with the runs — naming it, how many each run keeps, what it retains and what holds it.
   */
  toLeak(options?: LeakCheckOptions): Promise<R>;
  /**
   * `await expect(trackCollection(value)).toBeCollected()`: garbage is collected until the
   * value is; when it is not, the message says what holds it (from one heap snapshot).
   */
  toBeCollected(options?: { attempts?: number }): Promise<R>;
  /** `await expect(value).toRetainAtMost(bytes)`: its retained size (see `retainedSizeOf`). */
  toRetainAtMost(bytes: number): Promise<R>;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Assertion<T = any> extends HeapdiffMatchers<T> {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AsymmetricMatchersContaining extends HeapdiffMatchers {}
}

/** A matcher's verdict, as `expect.extend` takes it. */
interface Verdict {
  pass: boolean;
  message: () => string;
}

/** What of vitest's matcher state this module reads: the test the expectation runs in. */
interface MatcherContext {
  readonly isNot: boolean;
  readonly task?: { onFinished?: (() => unknown)[]; result?: { state?: string } };
}

/** The matcher state as this module reads it (vitest's `Test` type does not list `onFinished`, which its own async matchers use the same way). */
function contextOf(state: { isNot: boolean; task?: unknown }): MatcherContext {
  return state as MatcherContext;
}

/**
 * A check still running when its test ends was not awaited (`expect(…).not.toLeak()` without
 * `await`): vitest would pass the test and the verdict would come later, or never. Such a test
 * waits for the check at its end and fails, saying so. (vitest does this for its own async
 * matchers, with a warning; for these a silent pass would hide a leak.)
 */
/** How long the end of a test waits for a check it did not await. */
const UNAWAITED_WAIT_MS = 60_000;

/**
 * `check`, and a failure of the test if it ends before `check` settles (the matcher was not
 * awaited). `site` is an error made where the matcher was called: the failure points at the
 * user's line, not at this file.
 */
function awaitedBeforeTestEnds(context: MatcherContext, matcher: string, check: Promise<Verdict>, site: Error): Promise<Verdict> {
  const task = context.task;
  if (!task) return check;
  let settled = false;
  const tracked = check.finally(() => {
    settled = true;
  });
  task.onFinished ??= [];
  task.onFinished.push(async () => {
    // A test that failed already — above all one whose timeout fired while it awaited the
    // check (a scenario that never settles) — is not held: the check may never end.
    if (settled || task.result?.state === 'fail') return;
    // Waited for, so that its heap work does not overlap the next test's; but not for ever.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ended = await Promise.race([
      tracked.then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), UNAWAITED_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    const name = `${context.isNot ? 'not.' : ''}${matcher}`;
    const still = ended ? '' : ` (it was still running ${UNAWAITED_WAIT_MS / 1000} s later)`;
    const error = new Error(`expect(…).${name}() was not awaited: the test ended while the check was running${still}; write \`await expect(…).${name}()\``);
    const frames = site.stack?.split('\n').slice(1) ?? [];
    if (frames.length > 0) error.stack = [`Error: ${error.message}`, ...frames].join('\n');
    throw error;
  });
  return tracked;
}

/** An error whose stack starts where `matcher` was called (the frames above it left out). */
function callSite(matcher: (...args: never[]) => unknown): Error {
  const site = new Error();
  Error.captureStackTrace(site, matcher);
  return site;
}

const matchers = {
  toLeak(this: { isNot: boolean; task?: unknown }, received: unknown, options?: LeakCheckOptions) {
    return awaitedBeforeTestEnds(contextOf(this), 'toLeak', leakVerdict(received, options), callSite(matchers.toLeak));
  },
  toBeCollected(this: { isNot: boolean; task?: unknown }, received: unknown, options?: { attempts?: number }) {
    return awaitedBeforeTestEnds(contextOf(this), 'toBeCollected', collectedVerdict(received, options), callSite(matchers.toBeCollected));
  },
  toRetainAtMost(this: { isNot: boolean; task?: unknown }, received: unknown, bytes: number) {
    return awaitedBeforeTestEnds(contextOf(this), 'toRetainAtMost', retainedVerdict(received, bytes), callSite(matchers.toRetainAtMost));
  },
};
expect.extend(matchers);

async function leakVerdict(received: unknown, options: LeakCheckOptions | undefined): Promise<Verdict> {
  if (typeof received !== 'function') throw new TypeError(`toLeak: expect() takes the scenario, a function (sync or async), got ${received === null ? 'null' : typeof received}`);
  const verdict = await checkForLeaks(received as () => unknown, options ?? {});
  const leaks = verdict.leaks.length > 0;
  return {
    pass: leaks,
    message: () => (leaks ? `expected the scenario not to leak, but ${describeLeaks(verdict)}` : `expected the scenario to leak, but ${describeLeaks(verdict)}`),
  };
}

async function collectedVerdict(received: unknown, options: { attempts?: number } | undefined): Promise<Verdict> {
  if (received === null || typeof received !== 'object' || !('collected' in received)) {
    throw new TypeError('toBeCollected: expect() takes a tracker made while the value was held: expect(trackCollection(value)).toBeCollected()');
  }
  const tracker = received as CollectionTracker;
  const collected = await isCollected(tracker, options);
  if (collected) return { pass: true, message: () => `expected ${tracker.label} not to be collected, but it was` };
  const message = await notCollectedMessage(tracker);
  return { pass: false, message: () => `expected ${tracker.label} to be collected, but ${message.replace(/^.*? is still alive/, 'it is still alive')}` };
}

async function retainedVerdict(received: unknown, bytes: number): Promise<Verdict> {
  if (typeof bytes !== 'number' || !(bytes >= 0)) throw new TypeError(`toRetainAtMost: takes a number of bytes from 0, got ${String(bytes)}`);
  const { retainedSize, id } = await retainedSizeOf(received as object);
  const pass = retainedSize <= bytes;
  return {
    pass,
    message: () =>
      pass
        ? `expected the value (@${id}) to retain more than ${formatBytes(bytes)}, it retains ${formatBytes(retainedSize)}`
        : `expected the value (@${id}) to retain at most ${formatBytes(bytes)}, it retains ${formatBytes(retainedSize)} (${retainedSize} bytes)`,
  };
}
