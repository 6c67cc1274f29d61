/**
 * The retainer index (see graph/retainers.ts) as a kernel: self-contained — no imports,
 * closures or helpers — so that it also runs on a worker thread, serialised with
 * `Function#toString`.
 *
 * Two flat passes. The count: each node's retaining edges into `firstRetainer` (nodeCount + 1
 * values, zero on entry), turned into starts (`firstRetainer[nodeCount]`: the number of
 * edges). The fill: for each node, the nodes whose edges point at it into `retainerNodes` (one
 * slot per edge), by source node then edge, `firstRetainer` serving as the cursors and holding
 * the starts again at the end. Given `edgeBits` (a bitset over edges), the same bits over
 * retainer slots go into `slotBits` (zero on entry).
 */
export function retainersKernel(
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
  for (let base = toAt; base < edges.length; base += edgeStep) firstRetainer[edges[base]!]!++;
  let sum = 0;
  for (let n = 0; n < nodeCount; n++) {
    const count = firstRetainer[n]!;
    firstRetainer[n] = sum;
    sum += count;
  }
  firstRetainer[nodeCount] = sum;
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
