import { retainersKernel } from '../kernels/retainers-kernel.js';
import { EDGE_FIELDS, EDGE_TO_NODE } from '../parser/packed-edges.js';
import type { HeapWorkerPool } from '../workers/heap-worker-pool.js';
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

const RETAINERS = new AnalysisKey<Retainers>('retainers');

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
  const { retainers, slotBits } = retainerArrays(nodeCount, edges.length / EDGE_FIELDS, room, edgeBits?.length, false);
  retainersKernel(edges, firstEdge, EDGE_FIELDS, EDGE_TO_NODE, nodeCount, retainers.firstRetainer, retainers.retainerNodes, edgeBits, slotBits);
  return { retainers, slotBits };
}

/**
 * The index's arrays: the retainer nodes in `room` when it is big enough (and shared, when
 * `shared`: for a worker), else fresh memory; the slot bits when `bitsLength` is given.
 */
function retainerArrays(nodeCount: number, edgeCount: number, room: Uint32Array | undefined, bitsLength: number | undefined, shared: boolean) {
  const fresh = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const fits = room !== undefined && room.length >= edgeCount && (!shared || room.buffer instanceof SharedArrayBuffer);
  return {
    retainers: {
      firstRetainer: new Uint32Array(fresh(4 * (nodeCount + 1))),
      retainerNodes: fits ? room.subarray(0, edgeCount) : new Uint32Array(fresh(4 * edgeCount)),
    },
    slotBits: bitsLength === undefined ? undefined : new Int32Array(fresh(4 * bitsLength)),
  };
}

/**
 * `retainerSlotBits` on a worker of `pool` (the graph in shared memory), once `edgeBits` is
 * there: when the graph has no retainer index yet, the index is built there with the bits and
 * kept on the graph.
 */
export async function retainerSlotBitsOnWorker(graph: HeapGraph, pool: HeapWorkerPool, edgeBits: Promise<Int32Array>): Promise<Int32Array> {
  if (graph.analyses.has(RETAINERS)) return retainerSlotBits(graph, await edgeBits);
  const { nodeCount, edges, firstEdge } = graph;
  const bits = await edgeBits;
  const { retainers, slotBits } = retainerArrays(nodeCount, edges.length / EDGE_FIELDS, graph.takeEdgeRoom(), bits.length, true);
  const { firstRetainer, retainerNodes } = retainers;
  await pool.run({
    kind: 'retainers',
    edges: edges.buffer,
    edgeLength: edges.length,
    firstEdge: firstEdge.buffer,
    params: { edgeStep: EDGE_FIELDS, toAt: EDGE_TO_NODE, nodeCount },
    firstRetainer: firstRetainer.buffer,
    retainerNodes: retainerNodes.buffer,
    retainerNodesOffset: retainerNodes.byteOffset,
    retainerNodesLength: retainerNodes.length,
    edgeBits: bits,
    slotBits: slotBits!.buffer,
  });
  graph.analyses.get(RETAINERS, () => retainers);
  return slotBits!;
}

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
