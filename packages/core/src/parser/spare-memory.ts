/**
 * Room left in a fresh shared array beyond what its snapshot needs, so that the next, slightly
 * bigger snapshot of a series fits in it when it is reused. Pages never written are never
 * given memory by the operating system: the room costs address space only.
 */
const ROOM = 1 / 8;

/**
 * The shared memory of a graph the caller is done with, for the next load to write into
 * instead of fresh memory (`parseSnapshot(file, { reuse: graph })`). On big snapshots fresh
 * memory is a good part of a load's time: the operating system zeroes each page on first
 * touch, and on a virtual machine the host maps it too (measured on this project's 2-core VM:
 * 3.5–4.5 ms per MB, about 2.5 s of a 740 MB snapshot's load).
 */
export class SpareMemory {
  readonly #free: SharedArrayBuffer[];

  constructor(buffers: readonly SharedArrayBuffer[]) {
    this.#free = [...new Set(buffers)].sort((a, b) => a.byteLength - b.byteLength);
  }

  /** The smallest spare buffer of at least `bytes`, taken out of the spares; undefined when none is big enough. */
  take(bytes: number): SharedArrayBuffer | undefined {
    const index = this.#free.findIndex((buffer) => buffer.byteLength >= bytes);
    return index < 0 ? undefined : this.#free.splice(index, 1)[0];
  }

  /** The buffers no one took. */
  rest(): SharedArrayBuffer[] {
    return this.#free.splice(0);
  }
}

/**
 * A Uint32Array of exactly `length` values in shared memory: on a spare buffer when one is big
 * enough, else on a fresh one with room for a bigger snapshot of the same series. Its contents
 * are whatever the spare held: the caller writes every value before reading it.
 */
export function sharedUint32Array(length: number, spare: SpareMemory | undefined): Uint32Array {
  const buffer = spare?.take(length * 4) ?? new SharedArrayBuffer(Math.ceil(length * (1 + ROOM)) * 4);
  return new Uint32Array(buffer, 0, length);
}
