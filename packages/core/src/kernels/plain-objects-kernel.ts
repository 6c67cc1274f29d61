/** Everything `plainObjectsKernel` needs besides the arrays, all plain numbers. */
export interface PlainObjectsParams {
  nodeCount: number;
  nodeFieldCount: number;
  typeOffset: number;
  nameOffset: number;
  /** Node type index of `object`, and the string index of `Object`: a plain object has both. */
  objectType: number;
  objectName: number;
  /** Values per edge record; the packed type and name at `edgeTypeNameOffset` (see parser/packed-edges.ts). */
  edgeFieldCount: number;
  edgeTypeNameOffset: number;
  edgeTypeMask: number;
  edgeTypeBits: number;
  /** Edge type index of `property`. */
  propertyType: number;
}

/** Where `plainObjectsKernel` leaves its counts (an Int32Array of `PLAIN_OBJECTS_RESULT_LENGTH`). */
export const PLAIN_OBJECTS_COUNT = 0;
export const PLAIN_OBJECTS_ENTRIES = 1;
/** 1 when `names` or `entryStart` had no room left (nothing else is valid then). */
export const PLAIN_OBJECTS_OVERFLOW = 2;
export const PLAIN_OBJECTS_RESULT_LENGTH = 3;

/**
 * One pass over the nodes that lists the plain objects (type `object`, named `Object`) in
 * `objects` (ascending) and reads each one's property names (the string indexes of its
 * `property` edges, in edge order) — the part of `scanPlainObjects` that reads the graph.
 * Objects with the same names share an entry, numbered in the order of their first object:
 * entry `e`'s names are `names[entryStart[e]..entryStart[e + 1])`, `entryCount[e]` its objects
 * (room as for `entryStart`, zeroed), and `entryOf[n]` the entry of plain object `n` (other
 * nodes' values are left alone). Counts go into `result`.
 *
 * Self-contained — no imports, closures or helpers — so that it also runs on a worker thread,
 * serialised with `Function#toString`: the census reads the plain objects there while this
 * thread reads the other classes.
 */
export function plainObjectsKernel(
  nodes: Uint32Array,
  edges: Uint32Array,
  firstEdge: Uint32Array,
  p: PlainObjectsParams,
  objects: Uint32Array,
  entryOf: Uint32Array,
  names: Int32Array,
  entryStart: Uint32Array,
  entryCount: Uint32Array,
  result: Int32Array,
): void {
  const fields = p.nodeFieldCount;
  const typeAt = p.typeOffset;
  const nameAt = p.nameOffset;
  const objectType = p.objectType;
  const objectName = p.objectName;
  const edgeFields = p.edgeFieldCount;
  const typeNameAt = p.edgeTypeNameOffset;
  const typeMask = p.edgeTypeMask;
  const typeBits = p.edgeTypeBits;
  const property = p.propertyType;
  // Entries by a hash of their names; a chain of entry numbers per hash.
  const memo = new Map<number, number[]>();
  let scratch = new Int32Array(64);
  let count = 0;
  let entries = 0;
  let used = 0;
  entryStart[0] = 0;
  for (let n = 0, base = 0; n < p.nodeCount; n++, base += fields) {
    if (nodes[base + typeAt] !== objectType || nodes[base + nameAt] !== objectName) continue;
    objects[count++] = n;
    const from = firstEdge[n]!;
    const to = firstEdge[n + 1]!;
    if (to - from > scratch.length) scratch = new Int32Array(to - from);
    let k = 0;
    for (let e = from * edgeFields + typeNameAt; e < to * edgeFields; e += edgeFields) {
      const typeAndName = edges[e]!;
      if ((typeAndName & typeMask) === property) scratch[k++] = typeAndName >>> typeBits;
    }
    let hash = k;
    for (let i = 0; i < k; i++) hash = Math.imul(hash ^ scratch[i]!, 0x9e3779b1) >>> 0;
    let entry = -1;
    const chain = memo.get(hash);
    if (chain !== undefined) {
      for (let c = 0; c < chain.length && entry < 0; c++) {
        const start = entryStart[chain[c]!]!;
        if (entryStart[chain[c]! + 1]! - start !== k) continue;
        let same = true;
        for (let i = 0; same && i < k; i++) same = names[start + i] === scratch[i];
        if (same) entry = chain[c]!;
      }
    }
    if (entry < 0) {
      if (entries + 2 > entryStart.length || used + k > names.length) {
        result[2] = 1;
        return;
      }
      entry = entries++;
      for (let i = 0; i < k; i++) names[used + i] = scratch[i]!;
      used += k;
      entryStart[entry + 1] = used;
      if (chain !== undefined) chain.push(entry);
      else memo.set(hash, [entry]);
    }
    entryOf[n] = entry;
    entryCount[entry]!++;
  }
  result[0] = count;
  result[1] = entries;
  result[2] = 0;
}
