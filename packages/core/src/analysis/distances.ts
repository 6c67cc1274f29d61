import type { HeapGraph } from '../graph/heap-graph.js';
import { EphemeronEdgeNames } from './weakmap-edges.js';

/** Distance of nodes no path reaches. */
export const NO_DISTANCE = -5;
/** Base distance of nodes reached only through the engine's own roots, not the program's. */
export const BASE_SYSTEM_DISTANCE = 100_000_000;

/** Plain numbers `distancesKernel` needs about the snapshot's layout and strings. */
export interface DistanceParams {
  nodeCount: number;
  nodeFieldCount: number;
  nodeTypeOffset: number;
  nodeNameOffset: number;
  edgeFieldCount: number;
  edgeTypeOffset: number;
  edgeNameOffset: number;
  toNodeOffset: number;
  weakType: number;
  internalType: number;
  elementType: number;
  hiddenEdgeType: number;
  hiddenType: number;
  arrayType: number;
  syntheticType: number;
  nativeContext: number;
  mapDescriptors: number;
  sloppyFunctionMap: number;
  documentTrees: number;
  root: number;
  pairCount: number;
}

/** Everything the kernel needs besides the graph arrays; built on the main thread. */
export interface DistanceInputs {
  params: DistanceParams;
  /** Per string index: the id of the WeakMap entry its ephemeron edge name describes, or -1. */
  ephemeronPairOf: Int32Array;
  /** [stringIndex, number, …]: names of (map descriptors) slots that are numbers in text. */
  descriptorSlots: number[];
}

const cache = new WeakMap<HeapGraph, Int32Array>();

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
 * Computed once per graph and cached (`analyzeGraph` computes it on a worker thread).
 *
 * @example
 * const distance = nodeDistances(graph)[graph.ordinalOfId(1234)]
 */
export function nodeDistances(graph: HeapGraph): Int32Array {
  let distances = cache.get(graph);
  if (distances) return distances;
  const inputs = distanceInputs(graph);
  distances = new Int32Array(graph.nodeCount);
  const queue = graph.scratch.take(queueLength(graph));
  distancesKernel(graph.nodes, graph.edges, graph.firstEdge, inputs.params, inputs.ephemeronPairOf, inputs.descriptorSlots, distances, queue);
  graph.scratch.give(queue);
  cache.set(graph, distances);
  return distances;
}

/** Stores distances computed elsewhere (on a worker) for `nodeDistances` to return. */
export function setNodeDistances(graph: HeapGraph, distances: Int32Array): void {
  cache.set(graph, distances);
}

/** Room for every node once, plus the root's children (a program root listed twice is queued twice). */
export function queueLength(graph: HeapGraph): number {
  return graph.nodeCount + graph.firstEdge[graph.rootOrdinal + 1]! - graph.firstEdge[graph.rootOrdinal]!;
}

/** Resolves the strings the rules name, and the WeakMap pairs, into numbers for the kernel. */
export function distanceInputs(graph: HeapGraph): DistanceInputs {
  const { layout, strings } = graph;
  const ephemeronPairOf = new Int32Array(strings.count).fill(-1);
  const pairs = new Map<string, number>();
  const ephemerons = new EphemeronEdgeNames(graph);
  for (const index of strings.indexesContaining(' / part of key (')) {
    const parsed = ephemerons.parse(index);
    if (!parsed) continue;
    let pair = pairs.get(parsed.duplicatedPart);
    if (pair === undefined) {
      pair = pairs.size;
      pairs.set(parsed.duplicatedPart, pair);
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
      nodeCount: graph.nodeCount,
      nodeFieldCount: layout.nodeFieldCount,
      nodeTypeOffset: layout.nodeTypeOffset,
      nodeNameOffset: layout.nodeNameOffset,
      edgeFieldCount: layout.edgeFieldCount,
      edgeTypeOffset: layout.edgeTypeOffset,
      edgeNameOffset: layout.edgeNameOffset,
      toNodeOffset: layout.edgeToNodeOffset,
      weakType: layout.edgeTypes.indexOf('weak'),
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

/**
 * The breadth-first search itself, into `out`. Self-contained — no imports, closures or
 * helpers — so that it also runs on a worker thread, serialised with `Function#toString`.
 */
export function distancesKernel(
  nodes: Uint32Array,
  edges: Uint32Array,
  firstEdge: Uint32Array,
  p: DistanceParams,
  ephemeronPairOf: Int32Array,
  descriptorSlots: number[],
  out: Int32Array,
  queue: Uint32Array,
): void {
  const NONE = -5;
  const BASE = 100000000;
  out.fill(NONE);
  const pending = new Uint8Array(p.pairCount);
  const slotValue = new Map<number, number>();
  for (let i = 0; i < descriptorSlots.length; i += 2) slotValue.set(descriptorSlots[i]!, descriptorSlots[i + 1]!);
  const edgeStep = p.edgeFieldCount;
  const nodeStep = p.nodeFieldCount;
  let length = 0;
  // Program roots first, then (pass 1) the root itself for what only the engine holds.
  const root = p.root;
  for (let e = firstEdge[root]!; e < firstEdge[root + 1]!; e++) {
    const target = edges[e * edgeStep + p.toNodeOffset]!;
    const base = target * nodeStep;
    if (nodes[base + p.nodeTypeOffset] === p.syntheticType && nodes[base + p.nodeNameOffset] !== p.documentTrees) continue;
    out[target] = 1;
    queue[length++] = target;
  }
  for (let pass = 0; pass < 2; pass++) {
    if (pass === 1) {
      out[root] = length > 0 ? BASE : 0;
      queue[0] = root;
      length = 1;
    }
    for (let head = 0; head < length; head++) {
      const n = queue[head]!;
      const next = out[n]! + 1;
      const nodeType = nodes[n * nodeStep + p.nodeTypeOffset];
      const nodeName = nodes[n * nodeStep + p.nodeNameOffset];
      const nativeContext = nodeType === p.hiddenType && nodeName === p.nativeContext;
      const descriptors = nodeType === p.arrayType && nodeName === p.mapDescriptors;
      const end = firstEdge[n + 1]!;
      for (let e = firstEdge[n]!, base = e * edgeStep; e < end; e++, base += edgeStep) {
        const type = edges[base + p.edgeTypeOffset]!;
        if (type === p.weakType) continue;
        const target = edges[base + p.toNodeOffset]!;
        if (out[target] !== NONE) continue;
        const name = edges[base + p.edgeNameOffset]!;
        const named = type !== p.elementType && type !== p.hiddenEdgeType;
        if (nativeContext && named && name === p.sloppyFunctionMap) continue;
        if (descriptors) {
          // Slots 2, 5, 8, … of a descriptor array may belong to another map sharing the array.
          const index = named ? (slotValue.get(name) ?? -1) : name;
          if (index >= 2 && index % 3 === 1) continue;
        }
        if (type === p.internalType) {
          const pair = ephemeronPairOf[name]!;
          if (pair >= 0) {
            // A WeakMap value: follow only the second of its key and table edges.
            if (pending[pair] === 0) {
              pending[pair] = 1;
              continue;
            }
            pending[pair] = 0;
          }
        }
        out[target] = next;
        queue[length++] = target;
      }
    }
  }
}
