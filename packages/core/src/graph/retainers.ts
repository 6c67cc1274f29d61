import { EDGE_FIELDS, EDGE_TO_NODE } from '../parser/packed-edges.js';
import { AnalysisKey } from './analysis-cache.js';
import type { HeapGraph } from './heap-graph.js';

/**
 * The reverse of the edge index: for each node, the nodes that point at it.
 * `firstRetainer[n]..firstRetainer[n + 1]` index into `retainerNodes`, in the order of the
 * retaining edges in the snapshot (by source node, then edge). The edges themselves are not
 * stored — that would cost as much memory again — `retainingEdges()` finds a node's on demand.
 * `retainerNodes` lives in the room the edges' packing freed (see `HeapGraph.takeEdgeRoom`).
 */
export interface Retainers {
  readonly firstRetainer: Uint32Array;
  readonly retainerNodes: Uint32Array;
}

/**
 * Builds the retainer index in two flat passes (count, then fill), O(nodes + edges). Given a
 * bitset over edges, also returns the same bits rearranged over retainer slots.
 */
export function buildRetainers(
  nodeCount: number,
  edges: Uint32Array,
  firstEdge: Uint32Array,
  edgeBits?: Int32Array,
  room?: Uint32Array,
): { retainers: Retainers; slotBits: Int32Array | undefined } {
  const edgeCount = edges.length / EDGE_FIELDS;
  const firstRetainer = new Uint32Array(nodeCount + 1);
  for (let e = 0, base = EDGE_TO_NODE; e < edgeCount; e++, base += EDGE_FIELDS) {
    firstRetainer[edges[base]!]!++;
  }
  // Exclusive prefix sum; firstRetainer[n] becomes the fill cursor of node n.
  let sum = 0;
  for (let n = 0; n < nodeCount; n++) {
    const count = firstRetainer[n]!;
    firstRetainer[n] = sum;
    sum += count;
  }
  firstRetainer[nodeCount] = sum;
  const retainerNodes = room && room.length >= edgeCount ? room.subarray(0, edgeCount) : new Uint32Array(edgeCount);
  const slotBits = edgeBits ? new Int32Array(edgeBits.length) : undefined;
  for (let from = 0; from < nodeCount; from++) {
    const end = firstEdge[from + 1]!;
    for (let e = firstEdge[from]!; e < end; e++) {
      const to = edges[e * EDGE_FIELDS + EDGE_TO_NODE]!;
      const slot = firstRetainer[to]!++;
      retainerNodes[slot] = from;
      if (slotBits && edgeBits![e >>> 5]! & (1 << (e & 31))) slotBits[slot >>> 5]! |= 1 << (slot & 31);
    }
  }
  // The fill advanced each cursor to the next node's start; shift back.
  for (let n = nodeCount; n > 0; n--) firstRetainer[n] = firstRetainer[n - 1]!;
  firstRetainer[0] = 0;
  return { retainers: { firstRetainer, retainerNodes }, slotBits };
}

const RETAINERS = new AnalysisKey<Retainers>('retainers');

/** The graph's retainer index, built on first use (see `HeapGraph.retainers`). */
export function retainersOf(graph: HeapGraph): Retainers {
  return graph.analyses.get(RETAINERS, () => buildRetainers(graph.nodeCount, graph.edges, graph.firstEdge, undefined, graph.takeEdgeRoom()).retainers);
}

/**
 * Rearranges a bitset over edges into one over retainer slots: in the same pass that builds
 * the retainer index when the graph has none yet, else in one more pass in the same order.
 */
export function retainerSlotBits(graph: HeapGraph, edgeBits: Int32Array): Int32Array {
  const { nodeCount, edges, firstEdge } = graph;
  if (!graph.analyses.has(RETAINERS)) {
    const built = buildRetainers(nodeCount, edges, firstEdge, edgeBits, graph.takeEdgeRoom());
    graph.analyses.get(RETAINERS, () => built.retainers);
    return built.slotBits!;
  }
  const bits = new Int32Array(edgeBits.length);
  const cursor = new Uint32Array(retainersOf(graph).firstRetainer);
  for (let from = 0; from < nodeCount; from++) {
    const end = firstEdge[from + 1]!;
    for (let e = firstEdge[from]!; e < end; e++) {
      const slot = cursor[edges[e * EDGE_FIELDS + EDGE_TO_NODE]!]!++;
      if (edgeBits[e >>> 5]! & (1 << (e & 31))) bits[slot >>> 5]! |= 1 << (slot & 31);
    }
  }
  return bits;
}
