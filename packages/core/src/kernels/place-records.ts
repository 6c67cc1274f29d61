/**
 * Puts a worker's parsed values into their section array and checks them on the way, so the
 * main thread need not pass over the nodes and edges again. Self-contained (no imports, no
 * closures): it runs in the parse workers, serialised with `Function#toString`.
 *
 * Only whole records inside the job are checked. Records are placed as the graph holds them:
 * nodes packed when `side` is given (see parser/node-fields.ts: the kept fields at
 * `width × node`, the edge count in `side.edgeCounts`, trace node ids in their side array
 * where not 0, detachedness returned where not 0), else copied as they are; edges packed (see
 * parser/packed-edges.ts: record `r` at `2r`, `to_node` turned into a node ordinal). A packed
 * section's at most two records cut by the job's ends are not placed but returned in
 * `cutValues`, for the caller to put together. The caller sees the checked records as
 * `[checkedFrom, checkedTo)` in values of the file's layout.
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
  /** Edges: the type bits of the packed records (see `edgePacking`); -1 for nodes. */
  packTypeBits: number;
  /** Edges: the largest name a packed record holds itself. */
  nameLimit: number;
  /** Nodes: the file offsets of the fields a graph's record keeps, in order (see `NodePacking`). */
  kept: number[];
  /** Nodes: file offsets of the side fields, -1 when absent. */
  edgeCountAt: number;
  traceNodeIdAt: number;
  detachednessAt: number;
}

/** Where packed nodes' side fields go (see parser/node-fields.ts): one value per node. */
export interface NodeSideArrays {
  edgeCounts: Uint32Array;
  traceNodeIds: Uint32Array | undefined;
  /** Whether the records have a `detachedness` field to read (its values come back in `PlaceResult.detached`). */
  detachedness: boolean;
}

export interface PlaceResult {
  checkedFrom: number;
  checkedTo: number;
  /** Largest string index named by a checked record, -1 if none. */
  maxName: number;
  /** Index (in values) of the first field found bad, -1 if none; with which check failed. */
  badValue: number;
  badKind: number;
  /** The values of the records cut by the job's ends, as pairs of value index and value. */
  cutValues: number[];
  /** Nodes: whether a trace node id was not 0 (1) or not (0). */
  traced: number;
  /** Nodes: the detachedness values that are not 0, as pairs of node ordinal and value. */
  detached: number[];
  /** Edges: names past `nameLimit`, as pairs of edge number and name. */
  overflow: number[];
  /** The values of the record found bad, as in the file. */
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
  side: NodeSideArrays | undefined,
): PlaceResult {
  const width = spec.fieldCount;
  const end = offset + count;
  const checkedFrom = Math.min(end, Math.ceil(offset / width) * width);
  const checkedTo = Math.max(checkedFrom, Math.floor(end / width) * width);
  // The first whole record's number. (Not checkedFrom / width: a job with no whole record has
  // checkedFrom = end, and a fraction there would throw V8's optimised code out.)
  const firstRecord = Math.ceil(offset / width);
  const typeAt = spec.typeOffset;
  const nameAt = spec.nameOffset;
  const typeCount = spec.typeCount;
  const stringNamed = spec.stringNamed;
  let maxName = -1;
  let badValue = -1;
  let badKind = 0;
  const cutValues: number[] = [];
  for (let g = offset; g < checkedFrom; g++) cutValues.push(g, src[g - offset]!);
  for (let g = checkedTo; g < end; g++) cutValues.push(g, src[g - offset]!);
  // (No inner functions: a transform may wrap them in helpers a worker does not have.)
  let traced = 0;
  const detached: number[] = [];
  const overflow: number[] = [];
  if (spec.packTypeBits < 0 && !side) {
    // Nodes placed as they are (their section's size was not known up front): copy first (a
    // memcpy), then check in place; the caller packs them later.
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
    return { checkedFrom, checkedTo, maxName, badValue, badKind, cutValues: [], overflow: [], badRecord: [], traced: 0, detached: [] };
  }
  if (spec.packTypeBits < 0) {
    // Nodes: the kept fields at `kept.length × node`, the others aside.
    const kept = spec.kept;
    const keptCount = kept.length;
    const edgeCounts = side!.edgeCounts;
    const traceNodeIds = side!.traceNodeIds;
    const edgeCountAt = spec.edgeCountAt;
    const traceAt = traceNodeIds ? spec.traceNodeIdAt : -1;
    const detachedAt = side!.detachedness ? spec.detachednessAt : -1;
    let node = firstRecord;
    for (let local = checkedFrom - offset, to = node * keptCount; local < checkedTo - offset; local += width, to += keptCount, node++) {
      const type = src[local + typeAt]!;
      if (type >= typeCount) {
        badValue = local + offset + typeAt;
        badKind = 1;
        break;
      }
      if (stringNamed[type] === 1 && src[local + nameAt]! > maxName) maxName = src[local + nameAt]!;
      for (let k = 0; k < keptCount; k++) dest[to + k] = src[local + kept[k]!]!;
      edgeCounts[node] = src[local + edgeCountAt]!;
      if (traceAt >= 0 && src[local + traceAt] !== 0) {
        traceNodeIds![node] = src[local + traceAt]!;
        traced = 1;
      }
      if (detachedAt >= 0 && src[local + detachedAt] !== 0) detached.push(node, src[local + detachedAt]!);
    }
  } else {
    // Edges, packed two values per record at `2 × record`.
    const toAt = spec.toNodeOffset;
    const nodeFieldCount = spec.nodeFieldCount;
    const nodesLength = spec.nodesLength;
    const typeBits = spec.packTypeBits;
    const nameLimit = spec.nameLimit;
    let at = firstRecord * 2;
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
  }
  const badRecord: number[] = [];
  if (badValue >= 0) {
    const local = badValue - (badValue % width) - offset;
    for (let f = 0; f < width; f++) badRecord.push(src[local + f]!);
  }
  return { checkedFrom, checkedTo, maxName, badValue, badKind, cutValues, overflow, badRecord, traced, detached };
}
