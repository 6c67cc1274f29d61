import { analyzeGraph } from '../load/analyze-graph.js';
import { holdAllocationTracking, releaseAllocationTracking, retakeAllocationTracking } from './allocation-tracking.js';
import { PreparedSnapshot } from './prepared-snapshot.js';
import { GraphSink } from './snapshot-sinks.js';
import { takeSnapshot, type CaptureOptions } from './take-snapshot.js';
import type { HeapGraph } from '../graph/heap-graph.js';
import { originalPositionMap, withOriginalPositions } from './original-positions.js';
import { markOwn, OWN_MARKER_EDGE } from './own-marker.js';
import { nextCheckPhase, now, sleep } from './real-timers.js';
import { relativeHeap, type RelativeHeap, type RelativeHeapOptions } from '../diff/relative-heap.js';

/**
 * What a mark's diff leaves out: heapdiff's own objects, marked (own-marker.ts). Its paths go
 * around a test runner's state (vitest's worker state, with the assertions and promises of the
 * running test; chai's `Assertion` objects, which keep the scenario under test) to the test's
 * own frame when that holds the object too.
 */
const DIFF_OPTIONS: RelativeHeapOptions = {
  ownMarker: OWN_MARKER_EDGE,
  pathAvoids: { classes: ['Assertion', '_Assertion'], edges: ['__vitest_worker__'] },
};

/** A baseline in this thread's heap: see `markHeap`. */
export interface HeapMark {
  /** The highest object id when the mark was made. */
  readonly baselineId: number;
  /** When the mark was made (ms since the epoch). */
  readonly markedAt: number;
  /** What the mark cost, in whole milliseconds (a heap snapshot; with allocation tracking, its start). */
  readonly cost: number;
  /**
   * What was allocated since the mark and is still alive (after a garbage collection). A call
   * while a diff of this mark is under way shares it if its snapshot is still to be taken,
   * else a new diff follows it; a failed diff leaves the mark usable.
   */
  diff(): Promise<RelativeHeap>;
}

/** Options of `markHeap`. */
export interface MarkOptions extends CaptureOptions {
  /**
   * Record where each object is allocated from the mark on, so `diff()` gives each group's
   * most frequent allocation stacks. Costly while on: V8 gives up inline allocation
   * (allocating is 10–40× slower), numbers the heap after a full garbage collection
   * every 50 ms of event-loop time, and does not compact the heap. The mark's first `diff()`
   * ends it (the last one, when marks that track are nested); until then the process cannot
   * exit, so always diff a mark that tracks. That diff's snapshot text is held in memory until
   * V8 has written it all, then parsed (parsing while V8 writes its allocation trace tree
   * crashes Node 20 and 22).
   */
  trackAllocations?: boolean;
  /**
   * Milliseconds to let work already under way finish before the baseline, so that what it
   * leaves behind (a reply being read, a report being sent) is not new. Default 0, and 150
   * inside a vitest worker: vitest reports a test's start to its main process up to 100 ms
   * later (throttled), and the call and its answer would otherwise be new and alive at a diff.
   */
  settle?: number;
}

/** heapdiff's own use: a mark whose snapshots are also written to files (the leak checks keep them on request). */
export interface KeptMarkOptions extends MarkOptions {
  /** Where the baseline's snapshot goes (a mark that tracks takes none). */
  baselineFile?: string;
  /** Where each diff's snapshot goes. */
  diffFile?: string;
}

/** Inside a vitest worker, what `settle` defaults to (see MarkOptions.settle). */
const VITEST_SETTLE_MS = 150;

/** What `settle` defaults to here: 150 ms inside a vitest worker (its global, which a child process it starts does not inherit), else 0. */
export function defaultSettle(): number {
  return '__vitest_worker__' in globalThis ? VITEST_SETTLE_MS : 0;
}

/**
 * Marks a baseline in this thread's heap — heapy's `hpy().setrelheap()` — so that `diff()`
 * later tells what was allocated since and is still alive — heapy's `heap()`.
 *
 * V8 gives every live object an id only when it snapshots or tracks the heap, so a plain mark
 * takes a heap snapshot (garbage collected first), parses it for its highest id and drops it:
 * it costs what a snapshot does. With `trackAllocations` the mark is cheap instead — V8 starts
 * tracking and numbers the heap once — and the cost comes while tracking is on (see the
 * option). Everything the mark and its first diff need is allocated before the baseline, so
 * heapdiff's own objects never count as new: with nothing allocated in between, the first
 * diff is empty. (A later diff of the same mark sees the few objects heapdiff readied after
 * the previous one.)
 *
 * A diff counts what the program holds: from the GC roots, and from the frames waiting for it
 * — the locals of every async function suspended at an `await` on `diff()`, at any depth, and
 * what `.then` callbacks on it close over (see `relativeHeap`). Both the mark and the diff
 * snapshot from a clean stack: the mark after what the caller left queued has run, the diff
 * in an immediate once every caller is suspended.
 *
 * @example
 * const mark = await markHeap()
 * await handler(request)
 * const { groups } = await mark.diff()   // e.g. [{ className: 'Session', count: 1, … }]
 */
export async function markHeap(options: MarkOptions | KeptMarkOptions = {}): Promise<HeapMark> {
  const settle = options.settle ?? defaultSettle();
  if (typeof settle !== 'number' || !(settle >= 0 && settle < 2 ** 31)) throw new TypeError(`markHeap: settle must be a number of milliseconds from 0 to 2147483647, not ${String(settle)}`);
  // Built before the baseline: the mark, with the first diff's snapshot made ready.
  const mark = new HeapMarkHandle(options);
  const started = now();
  // From a clean stack, like the diff: what the caller left queued (a stream's after-write
  // tick after a log line, and what Node renews when it runs one) is done before the baseline.
  if (settle > 0) await sleep(settle);
  await nextCheckPhase();
  const file = (options as KeptMarkOptions).baselineFile;
  const baselineId = options.trackAllocations ? await holdAllocationTracking() : (await takeSnapshot({ gc: options.gc ?? true, ...(file ? { file } : {}) })).maxJsNodeId;
  mark.settle(baselineId, Math.round(now() - started));
  return mark;
}

/**
 * The mark object. Marked as heapdiff's own, like the snapshot it makes ready: neither counts
 * as new, with all that only they hold (a nested mark is made after an outer one's baseline).
 */
export class HeapMarkHandle implements HeapMark {
  baselineId = 0;
  cost = 0;
  readonly markedAt = Date.now();
  readonly #options: CaptureOptions;
  /** Holds allocation tracking until its first diff. */
  #tracking: boolean;
  #next: PreparedSnapshot<HeapGraph>;
  /** The diff under way (until it settles), and the snapshot it takes. */
  #pending: Promise<RelativeHeap> | undefined;
  #taking: PreparedSnapshot<HeapGraph> | undefined;
  /** Whether the diff under way is the one that ends allocation tracking. */
  #stopsTracking = false;
  /** Round boundaries the next diff counts by (see `diffByRounds`). */
  #rounds: readonly number[] = [];
  readonly #analyze = async (graph: HeapGraph): Promise<RelativeHeap> => {
    this.#next = prepare(this.#options);
    try {
      await analyzeGraph(graph);
      // One map for the paths, the locations and the allocation stacks: each script's looked up once.
      const originalPosition = originalPositionMap();
      return withOriginalPositions(relativeHeap(graph, this.baselineId, { ...DIFF_OPTIONS, rounds: this.#rounds, originalPosition }), originalPosition);
    } finally {
      this.#pending = this.#taking = undefined;
      forgetLastMatch();
    }
  };
  /** A failed diff: the next one takes a new snapshot (and ends tracking, if this one did not). */
  readonly #failed = (error: unknown): never => {
    if (this.#taking?.stoppedTracking === false && this.#stopsTracking) {
      retakeAllocationTracking();
      this.#tracking = true;
    }
    this.#next = prepare(this.#options);
    this.#pending = this.#taking = undefined;
    throw error;
  };
  readonly #diffAgain = (): Promise<RelativeHeap> => this.diff();

  constructor(options: MarkOptions | KeptMarkOptions) {
    // Only the first diff's snapshot goes to `diffFile`: a later one would write over it.
    this.#options = { gc: options.gc ?? true };
    this.#tracking = Boolean(options.trackAllocations);
    this.#next = prepare(options);
    markOwn(this);
    markOwn(this.#analyze);
    markOwn(this.#failed);
    markOwn(this.#diffAgain);
  }

  settle(baselineId: number, cost: number): void {
    this.baselineId = baselineId;
    this.cost = cost;
  }

  /**
   * A diff whose groups count their members per round (`RelativeHeapGroup.countsByRound`),
   * cut at these object ids. Not shared with a diff under way.
   */
  async diffByRounds(rounds: readonly number[]): Promise<RelativeHeap> {
    while (this.#pending) await this.#pending.catch(() => {});
    this.#rounds = rounds;
    try {
      return await this.diff();
    } finally {
      this.#rounds = [];
    }
  }

  diff(): Promise<RelativeHeap> {
    // A diff under way: shared while its snapshot is still to be taken, else followed by a new one.
    if (this.#pending) return this.#taking?.sent === false ? this.#pending : markOwn(this.#pending.then(this.#diffAgain, this.#diffAgain));
    // The last hold on tracking lets go with this snapshot: it is the one that ends tracking.
    const stopsTracking = this.#tracking && releaseAllocationTracking();
    this.#stopsTracking = stopsTracking;
    this.#tracking = false;
    // From a clean stack, and marked: the caller's `await` hangs on this promise, which leads
    // the diff to the caller's frames (see relativeHeap).
    this.#taking = this.#next;
    this.#pending = markOwn(this.#next.takeOnCleanStack(stopsTracking).then(this.#analyze, this.#failed));
    return this.#pending;
  }
}

const EMPTY_MATCH = /(?:)/;

/**
 * V8 keeps the subject of the last regular-expression match for `RegExp.$_`: after a diff,
 * a string of its graph, new to an outer mark's diff. Matching an old string replaces it.
 */
function forgetLastMatch(): void {
  EMPTY_MATCH.test('');
}

/** The next diff's snapshot, made ready now (see PreparedSnapshot). */
function prepare(options: CaptureOptions & Pick<KeptMarkOptions, 'diffFile'>): PreparedSnapshot<HeapGraph> {
  return new PreparedSnapshot(new GraphSink(options.diffFile), { gc: options.gc ?? true });
}
