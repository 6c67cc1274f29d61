/**
 * The reverse of the edge index: for each node, the edges that point at it.
 * `firstRetainer[n]..firstRetainer[n + 1]` index into `retainerEdges` (edge records) and
 * `retainerNodes` (the ordinals of the nodes those edges start from).
 */
export interface Retainers {
  readonly firstRetainer: Uint32Array;
  readonly retainerEdges: Uint32Array;
  readonly retainerNodes: Uint32Array;
}

/** Builds the retainer index in two flat passes (count, then fill), O(nodes + edges). */
export function buildRetainers(
  nodeCount: number,
  edges: Uint32Array,
  edgeFieldCount: number,
  toNodeOffset: number,
  firstEdge: Uint32Array,
): Retainers {
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
  const retainerEdges = new Uint32Array(edgeCount);
  const retainerNodes = new Uint32Array(edgeCount);
  for (let from = 0; from < nodeCount; from++) {
    const end = firstEdge[from + 1]!;
    for (let e = firstEdge[from]!; e < end; e++) {
      const to = edges[e * edgeFieldCount + toNodeOffset]!;
      const slot = firstRetainer[to]!++;
      retainerEdges[slot] = e;
      retainerNodes[slot] = from;
    }
  }
  // The fill advanced each cursor to the next node's start; shift back.
  for (let n = nodeCount; n > 0; n--) firstRetainer[n] = firstRetainer[n - 1]!;
  firstRetainer[0] = 0;
  return { firstRetainer, retainerEdges, retainerNodes };
}
