import { retainerFillKernel, retainerStartsKernel } from '../kernels/retainers-kernel.js';
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
  const edgeCount = edges.length / EDGE_FIELDS;
  const firstRetainer = new Uint32Array(nodeCount + 1);
  retainerStartsKernel(edges, EDGE_FIELDS, EDGE_TO_NODE, nodeCount, firstRetainer);
  const retainerNodes = room && room.length >= edgeCount ? room.subarray(0, edgeCount) : new Uint32Array(edgeCount);
  const slotBits = edgeBits ? new Int32Array(edgeBits.length) : undefined;
  retainerFillKernel(edges, firstEdge, EDGE_FIELDS, EDGE_TO_NODE, nodeCount, firstRetainer, retainerNodes, edgeBits, slotBits);
  return { retainers: { firstRetainer, retainerNodes }, slotBits };
}

/**
 * `retainerSlotBits` on a worker of `pool` (the graph in shared memory), once `edgeBits` is
 * there: when the graph has no retainer index yet, the index is built there (count, then fill
 * with the bits) and kept on the graph.
 */
export async function retainerSlotBitsOnWorker(graph: HeapGraph, pool: HeapWorkerPool, edgeBits: Promise<Int32Array>): Promise<Int32Array> {
  if (graph.analyses.has(RETAINERS)) return retainerSlotBits(graph, await edgeBits);
  const { nodeCount, edges, firstEdge } = graph;
  const edgeCount = edges.length / EDGE_FIELDS;
  const bits = await edgeBits;
  const firstRetainer = new Uint32Array(new SharedArrayBuffer(4 * (nodeCount + 1)));
  const params = { edgeStep: EDGE_FIELDS, toAt: EDGE_TO_NODE, nodeCount };
  const room = graph.takeEdgeRoom();
  const retainerNodes = room && room.length >= edgeCount && room.buffer instanceof SharedArrayBuffer ? room.subarray(0, edgeCount) : new Uint32Array(new SharedArrayBuffer(4 * edgeCount));
  const slotBits = new Int32Array(new SharedArrayBuffer(bits.byteLength));
  await pool.run({
    kind: 'sequence',
    jobs: [
      { kind: 'retainer-starts', edges: edges.buffer, edgeLength: edges.length, params, firstRetainer: firstRetainer.buffer },
      {
        kind: 'retainer-fill',
        edges: edges.buffer,
        edgeLength: edges.length,
        firstEdge: firstEdge.buffer,
        params,
        firstRetainer: firstRetainer.buffer,
        retainerNodes: retainerNodes.buffer,
        retainerNodesOffset: retainerNodes.byteOffset,
        retainerNodesLength: retainerNodes.length,
        edgeBits: bits,
        slotBits: slotBits.buffer,
      },
    ],
  });
  graph.analyses.get(RETAINERS, () => ({ firstRetainer, retainerNodes }));
  return slotBits;
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
