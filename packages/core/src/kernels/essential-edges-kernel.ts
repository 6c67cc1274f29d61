/** Everything `essentialEdgesKernel` needs besides the arrays, all plain numbers. */
export interface EssentialEdgesParams {
  nodeCount: number;
  /** Values per node record and where its id is (the packed layout: see parser/node-fields.ts). */
  nodeFieldCount: number;
  nodeIdOffset: number;
  /** Values per edge record; the packed type and name at offset 0 (see parser/packed-edges.ts). */
  edgeFieldCount: number;
  toNodeOffset: number;
  edgeTypeMask: number;
  edgeTypeBits: number;
  weakType: number;
  shortcutType: number;
  internalType: number;
  rootOrdinal: number;
}

/**
 * Sets in `bits` (one per edge, zero on entry) the edges that count for the dominator tree,
 * as DevTools picks them (see `essentialEdges` in analysis/dominators.ts): not weak, not a self
 * edge, not a shortcut (except from the root), not from an engine-owned node into a
 * program-owned one (`page`: 1 for program-owned), and not the table's half of a WeakMap
 * entry: an internal edge whose name `ephemeronOf` maps to an entry of `tableIds` equal to
 * the source node's id. Self-contained — no imports, closures or helpers — so that it also
 * runs on a worker thread, serialised with `Function#toString`.
 */
export function essentialEdgesKernel(
  nodes: Uint32Array,
  edges: Uint32Array,
  firstEdge: Uint32Array,
  p: EssentialEdgesParams,
  page: Uint8Array,
  ephemeronOf: Int32Array,
  tableIds: Float64Array,
  bits: Int32Array,
): void {
  const { nodeCount, edgeFieldCount, toNodeOffset, edgeTypeMask, edgeTypeBits, weakType, shortcutType, internalType, rootOrdinal } = p;
  const tables = tableIds.length > 0;
  for (let n = 0; n < nodeCount; n++) {
    const end = firstEdge[n + 1]!;
    const fromPage = page[n];
    const isRoot = n === rootOrdinal;
    for (let e = firstEdge[n]!, base = e * edgeFieldCount; e < end; e++, base += edgeFieldCount) {
      const typeAndName = edges[base]!;
      const type = typeAndName & edgeTypeMask;
      if (type === weakType) continue;
      if (tables && type === internalType) {
        const entry = ephemeronOf[typeAndName >>> edgeTypeBits]!;
        if (entry >= 0 && tableIds[entry] === nodes[n * p.nodeFieldCount + p.nodeIdOffset]) continue;
      }
      const target = edges[base + toNodeOffset]!;
      if (target === n) continue;
      if (!isRoot) {
        if (type === shortcutType) continue;
        if (page[target] && !fromPage) continue;
      }
      bits[e >>> 5]! |= 1 << (e & 31);
    }
  }
}
