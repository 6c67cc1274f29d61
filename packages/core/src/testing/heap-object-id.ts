import { post } from '../capture/inspector-session.js';

/**
 * Where a value waits, for the inspector to name it: a property of `process` only this module
 * knows. `process`, not `globalThis`: the inspector evaluates in the main context, and a test
 * running in a vm context (vitest's vmThreads / vmForks pools) shares `process` with it, not its global.
 */
const SLOT = `__heapdiff_lookup_${process.pid}_${Math.random().toString(36).slice(2)}`;
const GROUP = 'heapdiff-lookup';

/**
 * The heap snapshot id V8 has given `value` (`HeapProfiler.getHeapObjectId`), or 0 when it has
 * none yet: V8 numbers objects only when it snapshots (or tracks) the heap, so an object made
 * since the last snapshot has no id until the next. Once given, an id stays (V8 follows the
 * object's moves from the first snapshot on). Nothing of the lookup stays behind.
 */
export async function heapObjectIdOf(value: object): Promise<number> {
  const global = process as unknown as Record<string, unknown>;
  global[SLOT] = value;
  try {
    const { result } = await post<{ result: { objectId?: string } }>('Runtime.evaluate', { expression: `process.${SLOT}`, objectGroup: GROUP, silent: true });
    if (result.objectId === undefined) throw new TypeError('the inspector gave no object for the value');
    const { heapSnapshotObjectId } = await post<{ heapSnapshotObjectId: string }>('HeapProfiler.getHeapObjectId', { objectId: result.objectId });
    return Number(heapSnapshotObjectId);
  } finally {
    delete global[SLOT];
    await post('Runtime.releaseObjectGroup', { objectGroup: GROUP });
  }
}
