/**
 * Room left in a fresh shared array beyond what its snapshot needs, so that the next, slightly
 * bigger snapshot of a series fits in it when it is reused. Pages never written are never
 * given memory by the operating system: the room costs address space only.
 */
const ROOM = 1 / 8;

/** Where spare memory comes from: a graph the caller is done with (see graph/retire-graph.ts). */
export interface SpareSource {
  /** The buffers it could give now (none when it is busy, gone, or not in shared memory). */
  buffers(): readonly SharedArrayBuffer[];
  /** Gives them all up, once, when a load first takes one: from then on they are the load's. */
  giveUp(): void;
}

/**
 * The shared memory of a graph the caller is done with, for the next load to write into
 * instead of fresh memory (`parseSnapshot(file, { reuse: graph })`). On big snapshots fresh
 * memory is a good part of a load's time: the operating system zeroes each page on first
 * touch, and on a virtual machine the host maps it too (measured on this project's 2-core VM:
 * 3.5–4.5 ms per MB, about 2.5 s of a 740 MB snapshot's load). Nothing is taken from the
 * graph until a load needs a buffer it has: a load that fails before (a bad header, a gzip
 * file whose sizes are not known up front) leaves the graph whole.
 */
export class SpareMemory {
  readonly #source: SpareSource;
  /** Smallest first, once the source gave its buffers up. */
  #free: SharedArrayBuffer[] | undefined;

  constructor(source: SpareSource) {
    this.#source = source;
  }

  /** The smallest spare buffer of at least `bytes`, taken out of the spares; undefined when none is big enough. */
  take(bytes: number): SharedArrayBuffer | undefined {
    if (this.#free === undefined) {
      const candidates = [...new Set(this.#source.buffers())].sort((a, b) => a.byteLength - b.byteLength);
      if (!candidates.some((buffer) => buffer.byteLength >= bytes)) return undefined;
      this.#source.giveUp();
      this.#free = candidates;
    }
    const index = this.#free.findIndex((buffer) => buffer.byteLength >= bytes);
    return index < 0 ? undefined : this.#free.splice(index, 1)[0];
  }

  /** The buffers given up that no one took (none when nothing was taken). */
  rest(): SharedArrayBuffer[] {
    return this.#free?.splice(0) ?? [];
  }
}

/**
 * A Uint32Array of exactly `length` values in shared memory: on a spare buffer when one is big
 * enough, else on a fresh one with room for a bigger snapshot of the same series. Its contents
 * are whatever the spare held: the caller writes every value before reading it.
 */
export function sharedUint32Array(length: number, spare?: SpareMemory): Uint32Array {
  const buffer = spare?.take(length * 4) ?? new SharedArrayBuffer(roomFor(length) * 4);
  return new Uint32Array(buffer, 0, length);
}

/** How many values a fresh array for `length` values holds: `length` and the room (see `ROOM`). */
export function roomFor(length: number): number {
  return Math.ceil(length * (1 + ROOM));
}
