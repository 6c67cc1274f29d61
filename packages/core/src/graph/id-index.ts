/**
 * Node ordinals sorted by node id, for id → node lookups by binary search. Built with a
 * two-pass LSD radix sort on 16-bit digits: O(n), no comparator calls, no Map per node.
 */
export class IdIndex {
  readonly #ids: Uint32Array;
  readonly #ordinals: Uint32Array;

  constructor(nodes: Uint32Array, nodeCount: number, nodeFieldCount: number, idOffset: number) {
    const ids = new Uint32Array(nodeCount);
    for (let n = 0, base = idOffset; n < nodeCount; n++, base += nodeFieldCount) ids[n] = nodes[base]!;
    let order = new Uint32Array(nodeCount);
    for (let n = 0; n < nodeCount; n++) order[n] = n;
    let scratch = new Uint32Array(nodeCount);
    const counts = new Uint32Array(65537);
    for (let shift = 0; shift < 32; shift += 16) {
      counts.fill(0);
      for (let n = 0; n < nodeCount; n++) counts[((ids[order[n]!]! >>> shift) & 0xffff) + 1]!++;
      for (let d = 1; d <= 65536; d++) counts[d]! += counts[d - 1]!;
      for (let n = 0; n < nodeCount; n++) {
        const ordinal = order[n]!;
        scratch[counts[(ids[ordinal]! >>> shift) & 0xffff]!++] = ordinal;
      }
      const swap = order;
      order = scratch;
      scratch = swap;
    }
    const sortedIds = scratch; // reuse the buffer
    for (let n = 0; n < nodeCount; n++) sortedIds[n] = ids[order[n]!]!;
    this.#ids = sortedIds;
    this.#ordinals = order;
  }

  /** The ordinal of the node with `id`, or -1 if the snapshot has none. */
  ordinalOf(id: number): number {
    const ids = this.#ids;
    let lo = 0;
    let hi = ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const value = ids[mid]!;
      if (value === id) return this.#ordinals[mid]!;
      if (value < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
