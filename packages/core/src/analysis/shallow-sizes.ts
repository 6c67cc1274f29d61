import { AnalysisKey } from '../graph/analysis-cache.js';
import type { HeapGraph } from '../graph/heap-graph.js';
import { scratchArrays } from '../graph/scratch-arrays.js';
import { sharedUint32Array } from '../parser/spare-memory.js';
import { edgeWalkParams } from './edge-walk-params.js';
import { shallowSizesKernel, type ShallowSizesParams } from '../kernels/shallow-sizes-kernel.js';
import type { HeapWorkerPool } from '../workers/heap-worker-pool.js';
import { JOB_DETAIL, JOB_DONE, JOB_POSTED, JOB_STATE, jobDoneFlag } from '../workers/worker-jobs.js';

const SHALLOW_SIZES = new AnalysisKey<Uint32Array | Float64Array>('shallow sizes');

/**
 * Self sizes as DevTools' Summary shows them ("Shallow Size"): V8 reports an object's
 * backing stores (its `hidden` and `array` parts, and external string data) as separate
 * nodes; when exactly one ordinary object owns such a node — reaches it through other owned
 * nodes only, over non-weak edges — its size is moved to that owner and its own becomes 0.
 * Nothing moves onto the root or synthetic nodes, and snapshots without user roots (taken
 * with internals exposed) keep their sizes as they are.
 *
 * Computed once per graph and kept (`parseSnapshot` starts it on a worker thread for a big
 * graph: see `shallowSizesOnWorker`). Values are exact; the array is a Float64Array only if
 * an owner's size passes 2^32 - 1.
 *
 * @example
 * const sizes = shallowSizes(graph)
 * console.log(graph.nodeName(n), sizes[n])
 */
export function shallowSizes(graph: HeapGraph): Uint32Array | Float64Array {
  return graph.analyses.get(SHALLOW_SIZES, () => computeShallowSizes(graph));
}

/** The sizes computed on this thread. */
function computeShallowSizes(graph: HeapGraph): Uint32Array | Float64Array {
  return shallowSizesKernel(graph.nodes, graph.edges, graph.firstEdge, shallowSizesParams(graph), new Uint32Array(graph.nodeCount));
}

/**
 * Computes `shallowSizes` on a worker of `pool`, from the graph's arrays in shared memory,
 * and keeps the result on the graph. Until the reply is taken, `shallowSizes(graph)` waits for
 * the worker on this thread instead of computing them again.
 */
export function shallowSizesOnWorker(graph: HeapGraph, pool: HeapWorkerPool): Promise<Uint32Array | Float64Array> {
  let sizes: Uint32Array | undefined;
  const done = jobDoneFlag();
  const flags = new Int32Array(done);
  return graph.analyses.getAsync(
    SHALLOW_SIZES,
    async () => {
      // A free work array where there is one (the memory of the graph before, in a series of
      // loads); else fresh memory with room, so that a next, bigger graph can take it in turn.
      sizes = scratchArrays(graph).takeFree(graph.nodeCount) ?? sharedUint32Array(graph.nodeCount);
      const { nodes, edges, firstEdge } = graph;
      const params = shallowSizesParams(graph);
      const reply = await pool.run({ kind: 'shallow-sizes', nodes: nodes.buffer, edges: edges.buffer, firstEdge: firstEdge.buffer, params, sizes: sizes.buffer, sizesOffset: sizes.byteOffset, done });
      return reply.wide ?? sizes;
    },
    () => {
      // Still in the pool's queue: taken back (it would read the graph later, maybe once its
      // memory went to another load) and computed here. Given to a worker: waited for (a
      // minute is far more than any snapshot takes).
      if (Atomics.load(flags, JOB_POSTED) === 0) pool.withdraw(done);
      if (Atomics.load(flags, JOB_POSTED) === 1) {
        Atomics.wait(flags, JOB_STATE, 0, 60_000);
        if (Atomics.load(flags, JOB_STATE) === JOB_DONE && Atomics.load(flags, JOB_DETAIL) === 0) return sizes;
      }
      // Not given to a worker yet, failed there, or wide (a sum past 2^32 - 1: those come only
      // with the reply): computed here.
      return computeShallowSizes(graph);
    },
  );
}

function shallowSizesParams(graph: HeapGraph): ShallowSizesParams {
  const { layout } = graph;
  return {
    ...edgeWalkParams(graph),
    nodeFieldCount: layout.nodeFieldCount,
    selfSizeOffset: layout.nodeSelfSizeOffset,
    typeOffset: layout.nodeTypeOffset,
    nameOffset: layout.nodeNameOffset,
    hiddenType: layout.nodeTypes.indexOf('hidden'),
    arrayType: layout.nodeTypes.indexOf('array'),
    nativeType: layout.nodeTypes.indexOf('native'),
    syntheticType: layout.nodeTypes.indexOf('synthetic'),
    externalStringData: graph.strings.indexOf('system / ExternalStringData'),
    root: graph.rootOrdinal,
    hasUserRoots: hasUserRoots(graph) ? 1 : 0,
  };
}

/** User roots hang off the root: non-synthetic nodes, or the "(Document DOM trees)" group. */
function hasUserRoots(graph: HeapGraph): boolean {
  const root = graph.rootOrdinal;
  const syntheticType = graph.layout.nodeTypes.indexOf('synthetic');
  for (let e = graph.firstEdge[root]!; e < graph.firstEdge[root + 1]!; e++) {
    const target = graph.edgeTarget(e);
    if (graph.nodeTypeIndex(target) !== syntheticType) return true;
    if (graph.nodeName(target) === '(Document DOM trees)') return true;
  }
  return false;
}
