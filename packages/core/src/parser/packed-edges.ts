import { SnapshotTooLargeError, type InputLocation } from '../errors.js';
import type { SnapshotLayout } from './snapshot-layout.js';

/**
 * How a loaded graph holds its edges: two values per edge where the file has three (a third
 * less memory for the biggest array of a snapshot, and a third less to read in every walk).
 *
 *   edges[2e]     = name_or_index << typeBits | type
 *   edges[2e + 1] = the target's node ordinal
 *
 * A name too big for its bits (an element index past 2^29, as a sparse array's) keeps the
 * all-ones value `nameLimit` in the record and its real value in the graph's overflow map.
 * String indexes never overflow: a snapshot with that many strings is refused (see
 * `checkStringCount`), so kernels that compare names with a string index need no map.
 *
 * @example
 * const { typeMask, typeBits } = edgePacking(layout)
 * const type = edges[2 * e] & typeMask
 * const name = edges[2 * e] >>> typeBits
 */
export const EDGE_FIELDS = 2;
/** Offset of the packed type and name in an edge record. */
export const EDGE_TYPE_NAME = 0;
/** Offset of the target's node ordinal in an edge record. */
export const EDGE_TO_NODE = 1;

export interface EdgePacking {
  readonly typeBits: number;
  readonly typeMask: number;
  /** The largest name a record holds itself; this value in a record means "see the overflow map". */
  readonly nameLimit: number;
}

/** The packing for a snapshot's edge types: as few type bits as its `edge_types` need (3 for V8's 7). */
export function edgePacking(layout: Pick<SnapshotLayout, 'edgeTypes'>): EdgePacking {
  const typeBits = Math.max(1, Math.ceil(Math.log2(Math.max(2, layout.edgeTypes.length))));
  return { typeBits, typeMask: (1 << typeBits) - 1, nameLimit: 2 ** (32 - typeBits) - 1 };
}

/**
 * Refuses a strings table too big for packed names (2^29 − 1 strings for V8's 7 edge types;
 * a heap that big holds more than 8 GB of strings).
 */
export function checkStringCount(stringCount: number, packing: EdgePacking, where: InputLocation): void {
  if (stringCount >= packing.nameLimit) {
    throw new SnapshotTooLargeError(`the snapshot holds ${stringCount} strings, more than heapdiff can index (${packing.nameLimit - 1})`, where);
  }
}

/** Edge `edge`'s packed type and name; a name past `nameLimit` goes into `overflow`. */
export function packTypeAndName(type: number, name: number, edge: number, packing: EdgePacking, overflow: Map<number, number>): number {
  if (name >= packing.nameLimit) {
    overflow.set(edge, name);
    name = packing.nameLimit;
  }
  return ((name << packing.typeBits) | type) >>> 0;
}

/**
 * Packs `count` edges of `edges`, laid out as in the file with `to_node` already an ordinal,
 * into the first `2 × count` values of the same array (front to back, so nothing is overwritten
 * before it is read). Names past `nameLimit` go into `overflow`, by edge number.
 */
export function packEdgesInPlace(edges: Uint32Array, count: number, layout: SnapshotLayout, overflow: Map<number, number>): void {
  const packing = edgePacking(layout);
  const width = layout.edgeFieldCount;
  const typeAt = layout.edgeTypeOffset;
  const nameAt = layout.edgeNameOffset;
  const toAt = layout.edgeToNodeOffset;
  for (let e = 0, from = 0, to = 0; e < count; e++, from += width, to += EDGE_FIELDS) {
    const target = edges[from + toAt]!;
    edges[to] = packTypeAndName(edges[from + typeAt]!, edges[from + nameAt]!, e, packing, overflow);
    edges[to + 1] = target;
  }
}
