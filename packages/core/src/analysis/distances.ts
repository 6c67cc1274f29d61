import type { HeapGraph } from '../graph/heap-graph.js';
import { EphemeronEdgeNames } from './weakmap-edges.js';

/** Distance of nodes no path reaches. */
export const NO_DISTANCE = -5;
/** Base distance of nodes reached only through the engine's own roots, not the program's. */
export const BASE_SYSTEM_DISTANCE = 100_000_000;

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
 * Computed once per graph and cached.
 *
 * @example
 * const distance = nodeDistances(graph)[graph.ordinalOfId(1234)]
 */
export function nodeDistances(graph: HeapGraph): Int32Array {
  let distances = cache.get(graph);
  if (distances) return distances;
  const { nodeCount, edges, firstEdge, layout, nodes } = graph;
  distances = new Int32Array(nodeCount).fill(NO_DISTANCE);
  // Room for every node once, plus the root's children (a program root listed twice is queued twice).
  const queue = graph.scratch.take(nodeCount + graph.firstEdge[graph.rootOrdinal + 1]! - graph.firstEdge[graph.rootOrdinal]!);
  const edgeStep = layout.edgeFieldCount;
  const typeAt = layout.edgeTypeOffset;
  const nameAt = layout.edgeNameOffset;
  const toAt = layout.edgeToNodeOffset;
  const weak = layout.edgeTypes.indexOf('weak');
  const internal = layout.edgeTypes.indexOf('internal');
  const element = layout.edgeTypes.indexOf('element');
  const hiddenEdge = layout.edgeTypes.indexOf('hidden');
  const nodeStep = layout.nodeFieldCount;
  const nodeTypeAt = layout.nodeTypeOffset;
  const nodeNameAt = layout.nodeNameOffset;
  const hiddenType = layout.nodeTypes.indexOf('hidden');
  const arrayType = layout.nodeTypes.indexOf('array');
  const syntheticType = layout.nodeTypes.indexOf('synthetic');
  const strings = graph.strings;
  const nativeContext = strings.indexOf('system / NativeContext');
  const mapDescriptors = strings.indexOf('(map descriptors)');
  const sloppyFunctionMap = strings.indexOf('sloppy_function_map');
  const ephemerons = new EphemeronEdgeNames(graph);
  const pendingEphemerons = new Set<string>();

  // Whether the BFS may follow edge `e` of node `n` (asked only for edges to unvisited nodes).
  const follow = (n: number, e: number): boolean => {
    const base = e * edgeStep;
    const nodeType = nodes[n * nodeStep + nodeTypeAt];
    const nodeName = nodes[n * nodeStep + nodeNameAt];
    const edgeType = edges[base + typeAt]!;
    const edgeName = edges[base + nameAt]!;
    const named = edgeType !== element && edgeType !== hiddenEdge;
    if (nodeType === hiddenType && nodeName === nativeContext && named && edgeName === sloppyFunctionMap) return false;
    if (nodeType === arrayType && nodeName === mapDescriptors) {
      // Slots 2, 5, 8, … of a descriptor array may belong to another map sharing the array.
      const index = named ? Number.parseInt(strings.get(edgeName), 10) : edgeName;
      return !(index >= 2 && index % 3 === 1);
    }
    if (edgeType === internal) {
      const ephemeron = ephemerons.parse(edgeName);
      if (ephemeron) {
        if (!pendingEphemerons.delete(ephemeron.duplicatedPart)) {
          pendingEphemerons.add(ephemeron.duplicatedPart);
          return false;
        }
      }
    }
    return true;
  };

  const bfs = (length: number): number => {
    for (let head = 0; head < length; head++) {
      const n = queue[head]!;
      const next = distances![n]! + 1;
      const end = firstEdge[n + 1]!;
      for (let e = firstEdge[n]!, base = e * edgeStep; e < end; e++, base += edgeStep) {
        if (edges[base + typeAt] === weak) continue;
        const target = edges[base + toAt]!;
        if (distances![target] !== NO_DISTANCE) continue;
        if (!follow(n, e)) continue;
        distances![target] = next;
        queue[length++] = target;
      }
    }
    return length;
  };

  const root = graph.rootOrdinal;
  let length = 0;
  for (let e = firstEdge[root]!; e < firstEdge[root + 1]!; e++) {
    const target = edges[e * edgeStep + toAt]!;
    const userRoot =
      nodes[target * nodeStep + nodeTypeAt] !== syntheticType || strings.get(nodes[target * nodeStep + nodeNameAt]!) === '(Document DOM trees)';
    if (!userRoot) continue;
    distances[target] = 1;
    queue[length++] = target;
  }
  bfs(length);
  distances[root] = length > 0 ? BASE_SYSTEM_DISTANCE : 0;
  queue[0] = root;
  bfs(1);
  graph.scratch.give(queue);
  cache.set(graph, distances);
  return distances;
}
