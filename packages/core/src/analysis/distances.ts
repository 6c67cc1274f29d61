import { AnalysisKey } from '../graph/analysis-cache.js';
import type { HeapGraph } from '../graph/heap-graph.js';
import { scratchArrays } from '../graph/scratch-arrays.js';
import { distancesKernel, type DistanceParams } from '../kernels/distances-kernel.js';
import type { HeapWorkerPool } from '../workers/heap-worker-pool.js';
import { edgeWalkParams } from './edge-walk-params.js';
import { ephemeronEdgeNames } from './weakmap-edges.js';

export { BASE_SYSTEM_DISTANCE, NO_DISTANCE } from '../kernels/distances-kernel.js';

/** Everything the kernel needs besides the graph arrays; built on the main thread. */
interface DistanceInputs {
  params: DistanceParams;
  /** Per string index: the id of the WeakMap entry its ephemeron edge name describes, or -1. */
  ephemeronPairOf: Int32Array;
  /** [stringIndex, number, …]: names of (map descriptors) slots that are numbers in text. */
  descriptorSlots: number[];
}

const DISTANCES = new AnalysisKey<Int32Array>('distances');

/**
 * Each node's distance from the GC roots, by breadth-first search with DevTools' rules:
 *
 * - The program's roots (the root's children that are not synthetic, and the
 *   "(Document DOM trees)" group) are at distance 1; what they reach comes first.
 * - Whatever is reached only afterwards, from the root through the engine's own roots, is at
 *   `BASE_SYSTEM_DISTANCE` + its depth (the root itself is 0 when there are no program roots).
 * - Weak edges are never followed, nor the links DevTools skips as misleading: a native
 *   context's `sloppy_function_map`, and the descriptor slots of `(map descriptors)` arrays.
 * - A WeakMap value is reached through both the key and the table (two internal edges named
 *   alike): only the second of the two to be met counts, so the value is one step beyond both.
 * - Unreached nodes get `NO_DISTANCE` (-5).
 *
 * Computed once per graph and kept (`analyzeGraph` computes it on a worker thread: see
 * `nodeDistancesOnWorker`).
 *
 * @example
 * const distance = nodeDistances(graph)[graph.ordinalOfId(1234)]
 */
export function nodeDistances(graph: HeapGraph): Int32Array {
  return graph.analyses.get(DISTANCES, () => {
    const inputs = distanceInputs(graph);
    const distances = new Int32Array(graph.nodeCount);
    const scratch = scratchArrays(graph);
    const queue = scratch.take(queueLength(graph));
    distancesKernel(graph.nodes, graph.edges, graph.firstEdge, inputs.params, inputs.ephemeronPairOf, inputs.descriptorSlots, distances, queue);
    scratch.give(queue);
    return distances;
  });
}

/**
 * Computes `nodeDistances` on a worker of `pool`, from the graph's arrays in shared memory,
 * and keeps the result on the graph. `queue` (at least `queueLength(graph)` long, in shared
 * memory) is the search's work array; the caller may reuse it once this settles.
 */
export function nodeDistancesOnWorker(graph: HeapGraph, pool: HeapWorkerPool, queue: Uint32Array): Promise<Int32Array> {
  return graph.analyses.getAsync(DISTANCES, async () => {
    const { params, ephemeronPairOf, descriptorSlots } = distanceInputs(graph);
    const out = new Int32Array(new SharedArrayBuffer(graph.nodeCount * 4));
    const { nodes, edges, firstEdge } = graph;
    await pool.run({
      kind: 'distances',
      nodes: nodes.buffer,
      edges: edges.buffer,
      firstEdge: firstEdge.buffer,
      params,
      ephemeronPairOf,
      descriptorSlots,
      out: out.buffer,
      queue: queue.buffer,
      queueOffset: queue.byteOffset,
      queueLength: queue.length,
    });
    return out;
  });
}

/** Room for every node once, plus the root's children (a program root listed twice is queued twice). */
export function queueLength(graph: HeapGraph): number {
  if (graph.nodeCount === 0) return 0;
  return graph.nodeCount + graph.firstEdge[graph.rootOrdinal + 1]! - graph.firstEdge[graph.rootOrdinal]!;
}

/** Resolves the strings the rules name, and the WeakMap pairs, into numbers for the kernel. */
function distanceInputs(graph: HeapGraph): DistanceInputs {
  const { layout, strings } = graph;
  const ephemeronPairOf = new Int32Array(strings.count).fill(-1);
  const pairs = new Map<string, number>();
  for (const { index, duplicatedPart } of ephemeronEdgeNames(graph)) {
    let pair = pairs.get(duplicatedPart);
    if (pair === undefined) {
      pair = pairs.size;
      pairs.set(duplicatedPart, pair);
    }
    ephemeronPairOf[index] = pair;
  }
  const mapDescriptors = strings.indexOf('(map descriptors)');
  const arrayType = layout.nodeTypes.indexOf('array');
  const element = layout.edgeTypes.indexOf('element');
  const hiddenEdge = layout.edgeTypes.indexOf('hidden');
  const descriptorSlots: number[] = [];
  if (mapDescriptors >= 0) {
    // Descriptor arrays' slots are element edges; any named one is resolved here, once.
    const seen = new Set<number>();
    for (let n = 0; n < graph.nodeCount; n++) {
      if (graph.nodeTypeIndex(n) !== arrayType || graph.nodeNameIndex(n) !== mapDescriptors) continue;
      for (let e = graph.firstEdge[n]!; e < graph.firstEdge[n + 1]!; e++) {
        const type = graph.edgeTypeIndex(e);
        if (type === element || type === hiddenEdge) continue;
        const name = graph.edgeNameOrIndex(e);
        if (seen.has(name)) continue;
        seen.add(name);
        const value = Number.parseInt(strings.get(name), 10);
        if (!Number.isNaN(value)) descriptorSlots.push(name, value);
      }
    }
  }
  return {
    params: {
      ...edgeWalkParams(graph),
      nodeFieldCount: layout.nodeFieldCount,
      nodeTypeOffset: layout.nodeTypeOffset,
      nodeNameOffset: layout.nodeNameOffset,
      edgeNameShift: graph.edgePacking.typeBits,
      internalType: layout.edgeTypes.indexOf('internal'),
      elementType: element,
      hiddenEdgeType: hiddenEdge,
      hiddenType: layout.nodeTypes.indexOf('hidden'),
      arrayType,
      syntheticType: layout.nodeTypes.indexOf('synthetic'),
      nativeContext: strings.indexOf('system / NativeContext'),
      mapDescriptors,
      sloppyFunctionMap: strings.indexOf('sloppy_function_map'),
      documentTrees: strings.indexOf('(Document DOM trees)'),
      root: graph.rootOrdinal,
      pairCount: pairs.size,
    },
    ephemeronPairOf,
    descriptorSlots,
  };
}
