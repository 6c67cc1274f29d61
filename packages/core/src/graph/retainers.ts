import { AnalysisKey } from './analysis-cache.js';
import type { HeapGraph } from './heap-graph.js';

/**
 * The reverse of the edge index: for each node, the nodes that point at it.
 * `firstRetainer[n]..firstRetainer[n + 1]` index into `retainerNodes`, in the order of the
 * retaining edges in the snapshot (by source node, then edge). The edges themselves are not
 * stored — that would cost as much memory again — `retainingEdges()` finds a node's on demand.
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
  edgeFieldCount: number,
  toNodeOffset: number,
  firstEdge: Uint32Array,
  edgeBits?: Int32Array,
): { retainers: Retainers; slotBits: Int32Array | undefined } {
  const edgeCount = edges.length / edgeFieldCount;
  const firstRetainer = new Uint32Array(nodeCount + 1);
  for (let e = 0, base = toNodeOffset; e < edgeCount; e++, base += edgeFieldCount) {
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
  const retainerNodes = new Uint32Array(edgeCount);
  const slotBits = edgeBits ? new Int32Array(edgeBits.length) : undefined;
  for (let from = 0; from < nodeCount; from++) {
    const end = firstEdge[from + 1]!;
    for (let e = firstEdge[from]!; e < end; e++) {
      const to = edges[e * edgeFieldCount + toNodeOffset]!;
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
  return graph.analyses.get(RETAINERS, () => buildRetainers(graph.nodeCount, graph.edges, graph.layout.edgeFieldCount, graph.layout.edgeToNodeOffset, graph.firstEdge).retainers);
}

/**
 * Rearranges a bitset over edges into one over retainer slots: in the same pass that builds
 * the retainer index when the graph has none yet, else in one more pass in the same order.
 */
export function retainerSlotBits(graph: HeapGraph, edgeBits: Int32Array): Int32Array {
  const { nodeCount, edges, firstEdge, layout } = graph;
  const edgeStep = layout.edgeFieldCount;
  const toAt = layout.edgeToNodeOffset;
  if (!graph.analyses.has(RETAINERS)) {
    const built = buildRetainers(nodeCount, edges, edgeStep, toAt, firstEdge, edgeBits);
    graph.analyses.get(RETAINERS, () => built.retainers);
    return built.slotBits!;
  }
  const bits = new Int32Array(edgeBits.length);
  const cursor = new Uint32Array(retainersOf(graph).firstRetainer);
  for (let from = 0; from < nodeCount; from++) {
    const end = firstEdge[from + 1]!;
    for (let e = firstEdge[from]!; e < end; e++) {
      const slot = cursor[edges[e * edgeStep + toAt]!]!++;
      if (edgeBits[e >>> 5]! & (1 << (e & 31))) bits[slot >>> 5]! |= 1 << (slot & 31);
    }
  }
  return bits;
}
