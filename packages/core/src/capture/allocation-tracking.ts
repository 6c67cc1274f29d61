import { setFlagsFromString } from 'node:v8';
import { nextLastSeenObjectId, post } from './inspector-session.js';

// V8's allocation tracking for this thread, shared: on from the first hold until the last
// holder lets go (its snapshot, `stopTrackingHeapObjects`, is the one that ends it — V8 ends
// tracking no other way short of resetting every object id).
//
// While it is on, garbage collections do not compact the heap. V8 keeps an object's
// allocation stack by its address and follows it when a collection moves the object only
// until the object has an id (`HeapProfiler::ObjectMoveEvent`); tracking numbers new objects
// every 50 ms, so a compacting collection after that loses the stacks of whatever it moves —
// most of them, on Node 20 and 22. Compaction comes back when tracking ends, unless the
// process was started with `--no-compact`. (V8 flags are per process: two threads tracking
// at once turn compaction back on when the first of them ends.)

/** Holds taken on tracking and not yet let go. */
let holders = 0;

/**
 * Whether the process was started with `--no-compact` (its own choice, then left alone).
 * Self-contained: remote targets run it too, serialised with `toString()`.
 */
function compactionOffByUser(): boolean {
  return [...process.execArgv, process.env['NODE_OPTIONS'] ?? ''].some((arg) => /(^|\s)--no-compact(\s|$)/.test(arg));
}
const offByUser = compactionOffByUser();

/**
 * The same switches as expressions for another process's inspector (`Runtime.evaluate`).
 * They need `process.getBuiltinModule` (Node 20.16 and later); older targets track with
 * compaction on.
 */
export const COMPACTION_OFF_EXPRESSION = `process.getBuiltinModule?.('node:v8')?.setFlagsFromString('--no-compact')`;
export const COMPACTION_BACK_EXPRESSION = `(${compactionOffByUser.toString()})() || process.getBuiltinModule?.('node:v8')?.setFlagsFromString('--compact')`;

/**
 * Takes a hold on allocation tracking, starting it if this is the first, and resolves with
 * the highest object id once V8 has numbered every object alive now: newer objects get
 * higher ids, with their allocation stacks recorded.
 */
export async function holdAllocationTracking(): Promise<number> {
  const numbered = nextLastSeenObjectId();
  if (holders++ === 0) {
    setFlagsFromString('--no-compact');
    try {
      await post('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true });
    } catch (error) {
      holders--;
      allocationTrackingEnded();
      throw error;
    }
  }
  return numbered;
}

/** Lets go of a hold; true when it was the last, so the caller's snapshot must end tracking. */
export function releaseAllocationTracking(): boolean {
  holders = Math.max(0, holders - 1);
  return holders === 0;
}

/** To call once the snapshot that ended tracking is taken: compaction comes back. */
export function allocationTrackingEnded(): void {
  if (holders === 0 && !offByUser) setFlagsFromString('--compact');
}
