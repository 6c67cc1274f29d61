import { AssertionError } from 'node:assert';
import { formatRetainerPath, retainerPath } from '../analysis/retainer-path.js';
import { nextCheckPhase } from '../capture/real-timers.js';
import { takeSnapshot } from '../capture/take-snapshot.js';
import { analyzeGraph } from '../load/analyze-graph.js';
import { collectGarbage } from '../runtime/pressure/force-gc.js';
import { describe } from './describe.js';
import { exclusive } from './exclusive.js';
import { heapObjectIdOf } from './heap-object-id.js';

/** Watches one object for its collection: see `trackCollection`. */
export interface CollectionTracker {
  /** What the object is called in messages. */
  readonly label: string;
  /** Whether the object has been collected (as far as the last garbage collection knows). */
  readonly collected: boolean;
  /** The object while it lives (for a look at it: holding the result keeps it alive). */
  deref(): object | undefined;
}

const finalized = new WeakSet<Tracker>();
const registry = new FinalizationRegistry<WeakRef<Tracker>>((tracker) => {
  const t = tracker.deref();
  if (t) finalized.add(t);
});

class Tracker implements CollectionTracker {
  readonly label: string;
  readonly #ref: WeakRef<object>;
  constructor(value: object, label: string) {
    this.label = label;
    this.#ref = new WeakRef(value);
    registry.register(value, new WeakRef(this));
  }
  get collected(): boolean {
    return finalized.has(this) || this.#ref.deref() === undefined;
  }
  deref(): object | undefined {
    return this.#ref.deref();
  }
}

/**
 * Starts watching `value` (an object or a function) for its collection. Make the tracker while
 * you still hold the value, then let go of it and ask `isCollected` / `assertCollected` (or
 * `expect(tracker).toBeCollected()`). The tracker holds the value weakly.
 *
 * @example
 * const tracker = trackCollection(session, 'the closed session')
 * session = undefined
 * await assertCollected(tracker)
 */
export function trackCollection(value: object, label?: string): CollectionTracker {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
    throw new TypeError(`trackCollection: takes an object or a function (only those can be collected), got ${value === null ? 'null' : typeof value}`);
  }
  if (label !== undefined && typeof label !== 'string') throw new TypeError(`trackCollection: the label must be a string, got ${typeof label}`);
  return new Tracker(value, label ?? describeValue(value));
}

/**
 * Whether the tracked object is collected: garbage is collected (through the inspector, no
 * `--expose-gc`) up to `attempts` times, each after the event loop turns so that what the
 * program left queued can let go first. No heap snapshot.
 */
export function isCollected(tracker: CollectionTracker, options: { attempts?: number } = {}): Promise<boolean> {
  if (!(tracker instanceof Tracker)) return Promise.reject(new TypeError(`isCollected: takes a tracker from trackCollection(value), got ${describe(tracker)}`));
  if (options === null || typeof options !== 'object') return Promise.reject(new TypeError(`isCollected: options must be an object ({ attempts }), got ${describe(options)}`));
  const attempts = options.attempts ?? 3;
  if (!Number.isSafeInteger(attempts) || attempts < 1) return Promise.reject(new TypeError(`isCollected: attempts must be a whole number from 1, got ${String(attempts)}`));
  return exclusive('isCollected', async () => {
    for (let i = 0; i < attempts && !tracker.collected; i++) {
      await nextCheckPhase();
      await collectGarbage();
    }
    return tracker.collected;
  });
}

/**
 * Why the tracked object is still alive: its retainer path in a heap snapshot taken now (the
 * object found by its id), or undefined once it is collected.
 */
export function whyAlive(tracker: CollectionTracker): Promise<string | undefined> {
  if (!(tracker instanceof Tracker)) return Promise.reject(new TypeError(`whyAlive: takes a tracker from trackCollection(value), got ${describe(tracker)}`));
  return exclusive('whyAlive', async () => {
    const id = await idWhileAlive(tracker);
    if (id === undefined) return undefined;
    // In a later task: the lookup's deref() keeps the object alive until this one ends (V8's
    // weak_refs_keep_during_job), which a snapshot now would show as what holds it.
    await nextCheckPhase();
    const graph = await takeSnapshot();
    const node = graph.ordinalOfId(id);
    if (node < 0) return undefined;
    await analyzeGraph(graph);
    return formatRetainerPath(graph, retainerPath(graph, node)) || `${graph.className(node)} @${id} (held by nothing the snapshot shows)`;
  });
}

/**
 * The object's heap id, looked up without a strong reference surviving this call. An object
 * made since the last snapshot has none yet: a snapshot numbers it first (dropped at once).
 */
async function idWhileAlive(tracker: CollectionTracker): Promise<number | undefined> {
  const value = tracker.deref();
  if (value === undefined) return undefined;
  const id = await heapObjectIdOf(value);
  if (id !== 0) return id;
  await takeSnapshot({ gc: false });
  return heapObjectIdOf(value);
}

/**
 * Asserts that the tracked object gets collected (see `isCollected`); throws an `AssertionError`
 * saying what still holds it, from one heap snapshot, when it does not.
 *
 * @example await assertCollected(trackCollection(connection))
 */
export async function assertCollected(tracker: CollectionTracker, options: { attempts?: number } = {}): Promise<void> {
  if (await isCollected(tracker, options)) return;
  throw new AssertionError({ message: await notCollectedMessage(tracker), actual: tracker.label, expected: 'collected', operator: 'assertCollected' });
}

/** The message for an object that is not collected: what holds it. */
export async function notCollectedMessage(tracker: CollectionTracker): Promise<string> {
  const path = await whyAlive(tracker);
  return path === undefined ? `${tracker.label} was collected only late` : `${tracker.label} is still alive, held by:\n  ${path}`;
}

function describeValue(value: object): string {
  let name: string | undefined;
  try {
    if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
    const proto = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
    name = typeof proto?.constructor?.name === 'string' ? proto.constructor.name : undefined;
  } catch {
    // A revoked Proxy, or one whose traps throw: named by what it is.
    name = undefined;
  }
  const noun = name || 'Object';
  return `${/^[AEIOU]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

