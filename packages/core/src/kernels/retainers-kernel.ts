/**
 * The two passes of the retainer index (see graph/retainers.ts), as kernels: self-contained —
 * no imports, closures or helpers — so that they also run on a worker thread, serialised with
 * `Function#toString`.
 */

/**
 * Counts each node's retaining edges into `firstRetainer` (nodeCount + 1 values, zero on entry)
 * and turns the counts into starts: `firstRetainer[n]` is where node n's retainers begin,
 * `firstRetainer[nodeCount]` the number of edges.
 */
export function retainerStartsKernel(edges: Uint32Array, edgeStep: number, toAt: number, nodeCount: number, firstRetainer: Uint32Array): void {
  for (let base = toAt; base < edges.length; base += edgeStep) firstRetainer[edges[base]!]!++;
  let sum = 0;
  for (let n = 0; n < nodeCount; n++) {
    const count = firstRetainer[n]!;
    firstRetainer[n] = sum;
    sum += count;
  }
  firstRetainer[nodeCount] = sum;
}

/**
 * Fills `retainerNodes` (one slot per edge) from the starts `retainerStartsKernel` made: for
 * each node, the nodes whose edges point at it, by source node then edge. Given `edgeBits` (a
 * bitset over edges), sets the same bits over retainer slots in `slotBits` (zero on entry).
 * `firstRetainer` serves as the fill's cursors and holds the starts again on return.
 */
export function retainerFillKernel(
  edges: Uint32Array,
  firstEdge: Uint32Array,
  edgeStep: number,
  toAt: number,
  nodeCount: number,
  firstRetainer: Uint32Array,
  retainerNodes: Uint32Array,
  edgeBits: Int32Array | undefined,
  slotBits: Int32Array | undefined,
): void {
  for (let from = 0; from < nodeCount; from++) {
    const end = firstEdge[from + 1]!;
    let e = firstEdge[from]!;
    if (edgeBits === undefined || slotBits === undefined) {
      for (let base = e * edgeStep + toAt; e < end; e++, base += edgeStep) retainerNodes[firstRetainer[edges[base]!]!++] = from;
      continue;
    }
    for (let base = e * edgeStep + toAt; e < end; e++, base += edgeStep) {
      const slot = firstRetainer[edges[base]!]!++;
      retainerNodes[slot] = from;
      if (edgeBits[e >>> 5]! & (1 << (e & 31))) slotBits[slot >>> 5]! |= 1 << (slot & 31);
    }
  }
  // The fill advanced each cursor to the next node's start; shift back.
  for (let n = nodeCount; n > 0; n--) firstRetainer[n] = firstRetainer[n - 1]!;
  firstRetainer[0] = 0;
}
