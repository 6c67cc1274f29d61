/**
 * Puts a worker's parsed values into their section array and checks them on the way, so the
 * main thread need not pass over the nodes and edges again. Self-contained (no imports, no
 * closures): it runs in the parse workers, serialised with `Function#toString`.
 *
 * Only whole records inside the job are checked. Nodes are copied as they are. Edges are
 * packed as the graph holds them (see parser/packed-edges.ts: record `r` at `2r`, `to_node`
 * turned into a node ordinal): the at most two records cut by the job's edges are not placed
 * but returned in `cutValues`, for the caller to put together. The caller sees the checked
 * records as `[checkedFrom, checkedTo)` in values of the file's layout.
 */
export interface RecordSpec {
  fieldCount: number;
  typeOffset: number;
  nameOffset: number;
  /** -1 for nodes. */
  toNodeOffset: number;
  typeCount: number;
  nodeFieldCount: number;
  nodesLength: number;
  /** Per type: 1 when `name` is a string index (always for nodes; not for element/hidden edges). */
  stringNamed: number[];
  /** Edges: the type bits of the packed records (see `edgePacking`); -1 for nodes, copied as they are. */
  packTypeBits: number;
  /** Edges: the largest name a packed record holds itself. */
  nameLimit: number;
}

export interface PlaceResult {
  checkedFrom: number;
  checkedTo: number;
  /** Largest string index named by a checked record, -1 if none. */
  maxName: number;
  /** Index (in values) of the first field found bad, -1 if none; with which check failed. */
  badValue: number;
  badKind: number;
  /** Edges: the values of the records cut by the job's ends, as pairs of value index and value. */
  cutValues: number[];
  /** Edges: names past `nameLimit`, as pairs of edge number and name. */
  overflow: number[];
  /** Edges: the values of the record found bad, as in the file. */
  badRecord: number[];
}

/** `badKind` values. */
export const BAD_TYPE = 1;
export const BAD_TO_NODE = 2;

export function placeRecords(
  src: Uint32Array,
  count: number,
  dest: Uint32Array,
  offset: number,
  spec: RecordSpec,
): PlaceResult {
  const width = spec.fieldCount;
  const end = offset + count;
  const checkedFrom = Math.min(end, Math.ceil(offset / width) * width);
  const checkedTo = Math.max(checkedFrom, Math.floor(end / width) * width);
  const typeAt = spec.typeOffset;
  const nameAt = spec.nameOffset;
  const typeCount = spec.typeCount;
  const stringNamed = spec.stringNamed;
  let maxName = -1;
  let badValue = -1;
  let badKind = 0;
  if (spec.packTypeBits < 0) {
    // Nodes. Copy first (a memcpy), then check in place: cheaper than copying by element.
    dest.set(src.subarray(0, count), offset);
    for (let g = checkedFrom; g < checkedTo; g += width) {
      const type = dest[g + typeAt]!;
      if (type >= typeCount) {
        badValue = g + typeAt;
        badKind = 1;
        break;
      }
      if (stringNamed[type] === 1 && dest[g + nameAt]! > maxName) maxName = dest[g + nameAt]!;
    }
    return { checkedFrom, checkedTo, maxName, badValue, badKind, cutValues: [], overflow: [], badRecord: [] };
  }
  // Edges, packed two values per record at `2 × record`.
  const toAt = spec.toNodeOffset;
  const nodeFieldCount = spec.nodeFieldCount;
  const nodesLength = spec.nodesLength;
  const typeBits = spec.packTypeBits;
  const nameLimit = spec.nameLimit;
  const cutValues: number[] = [];
  for (let g = offset; g < checkedFrom; g++) cutValues.push(g, src[g - offset]!);
  for (let g = checkedTo; g < end; g++) cutValues.push(g, src[g - offset]!);
  const overflow: number[] = [];
  let at = (checkedFrom / width) * 2;
  for (let g = checkedFrom, local = checkedFrom - offset; g < checkedTo; g += width, local += width, at += 2) {
    const type = src[local + typeAt]!;
    const to = src[local + toAt]!;
    let name = src[local + nameAt]!;
    if (type >= typeCount || to % nodeFieldCount !== 0 || to >= nodesLength) {
      badValue = g + (type >= typeCount ? typeAt : toAt);
      badKind = type >= typeCount ? 1 : 2;
      break;
    }
    if (stringNamed[type] === 1 && name > maxName) maxName = name;
    if (name >= nameLimit) {
      overflow.push(at / 2, name);
      name = nameLimit;
    }
    dest[at] = (name << typeBits) | type;
    dest[at + 1] = to / nodeFieldCount;
  }
  const badRecord: number[] = [];
  if (badValue >= 0) {
    const local = badValue - (badValue % width) - offset;
    for (let f = 0; f < width; f++) badRecord.push(src[local + f]!);
  }
  return { checkedFrom, checkedTo, maxName, badValue, badKind, cutValues, overflow, badRecord };
}
