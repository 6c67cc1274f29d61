import { setFlagsFromString } from 'node:v8';
import { nextLastSeenObjectId, post } from './inspector-session.js';
import { GraphSink } from './snapshot-sinks.js';

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

/** A minimal snapshot with every section heapdiff parses. */
const WARM_UP_SNAPSHOT =
  '{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count","trace_node_id"],"node_types":[["synthetic","object"],"string","number","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["element","property"],"string_or_number","node"],"trace_function_info_fields":["function_id","name","script_name","script_id","line","column"],"trace_node_fields":["id","function_info_index","count","size","children"],"sample_fields":["timestamp_us","last_assigned_id"],"location_fields":["object_index","script_id","line","column"]},"node_count":1,"edge_count":0,"trace_function_count":0},"nodes":[0,0,1,0,0,0],"edges":[],"trace_function_infos":[],"trace_tree":[],"samples":[],"locations":[],"strings":["a\\u0041\\u00e9"]}';
let parsedOnce: Promise<void> | undefined;

/**
 * Runs the snapshot parser once before allocation tracking starts. On Node 20 a snapshot's
 * chunks reach the parser while V8 is still writing the snapshot; with tracking on, a function
 * that allocates for the first time then adds to the allocation trace V8 is serialising, which
 * crashed the process now and then (nested marks that track). Parsing once beforehand makes
 * every parser function known to the tracker before any snapshot it serialises.
 */
function parseOnceBeforeTracking(): Promise<void> {
  parsedOnce ??= (async () => {
    const sink = new GraphSink();
    sink.write(WARM_UP_SNAPSHOT);
    await sink.end();
  })();
  return parsedOnce;
}

/**
 * Takes a hold on allocation tracking, starting it if this is the first, and resolves with
 * the highest object id once V8 has numbered every object alive now: newer objects get
 * higher ids, with their allocation stacks recorded.
 */
export async function holdAllocationTracking(): Promise<number> {
  await parseOnceBeforeTracking();
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

/** Whether some mark still holds allocation tracking on (its snapshots then write their allocation trace tree). */
export function allocationTrackingHeld(): boolean {
  return holders > 0;
}

/** Takes back the hold a failed snapshot let go of without ending tracking. */
export function retakeAllocationTracking(): void {
  holders++;
}

/** To call once the snapshot that ended tracking is taken: compaction comes back. */
export function allocationTrackingEnded(): void {
  if (holders === 0 && !offByUser) setFlagsFromString('--compact');
}
