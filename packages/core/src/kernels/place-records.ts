/**
 * Puts a worker's parsed values into their section array and checks them on the way, so the
 * main thread need not pass over the nodes and edges again. Self-contained (no imports, no
 * closures): it runs in the parse workers, serialised with `Function#toString`.
 *
 * Only whole records inside the job are checked (and, for edges, `to_node` turned into a node
 * ordinal); the at most two records cut by the job's edges are copied as they are and left to
 * the caller, who sees them as `[checkedFrom, checkedTo)` in values.
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
}

export interface PlaceResult {
  checkedFrom: number;
  checkedTo: number;
  /** Largest string index named by a checked record, -1 if none. */
  maxName: number;
  /** Index (in values) of the first field found bad, -1 if none; with which check failed. */
  badValue: number;
  badKind: number;
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
  const toAt = spec.toNodeOffset;
  const typeCount = spec.typeCount;
  const nodeFieldCount = spec.nodeFieldCount;
  const nodesLength = spec.nodesLength;
  const stringNamed = spec.stringNamed;
  // Copy first (a memcpy), then check and convert in place: cheaper than copying by element.
  dest.set(src.subarray(0, count), offset);
  let maxName = -1;
  let badValue = -1;
  let badKind = 0;
  for (let g = checkedFrom; g < checkedTo; g += width) {
    const type = dest[g + typeAt]!;
    if (type >= typeCount) {
      badValue = g + typeAt;
      badKind = 1;
      break;
    }
    if (toAt >= 0) {
      const to = dest[g + toAt]!;
      if (to % nodeFieldCount !== 0 || to >= nodesLength) {
        badValue = g + toAt;
        badKind = 2;
        break;
      }
      dest[g + toAt] = to / nodeFieldCount;
    }
    if (stringNamed[type] === 1) {
      const name = dest[g + nameAt]!;
      if (name > maxName) maxName = name;
    }
  }
  return { checkedFrom, checkedTo, maxName, badValue, badKind };
}
