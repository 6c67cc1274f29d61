import { sharedUint32Array } from '../parser/spare-memory.js';
import { AnalysisKey } from './analysis-cache.js';
import type { HeapGraph } from './heap-graph.js';

/**
 * Big temporary Uint32Arrays shared by the analyses of one graph: the breadth-first queue of
 * one analysis becomes the depth-first stack of the next instead of fresh memory being
 * allocated and touched (on big graphs each array is tens of megabytes). Contents of a taken
 * array are whatever its last user left: callers write before they read.
 */
export class ScratchArrays {
  readonly #free: Uint32Array[] = [];
  /** Arrays that are a piece of a bigger buffer (see `givePiece`): their length, by buffer and byte offset. */
  readonly #pieces = new WeakMap<ArrayBufferLike, Map<number, number>>();

  /** An array of exactly `length` elements (a view on a bigger free one when possible). */
  take(length: number): Uint32Array {
    // The smallest that fits, so that a big array stays free for a big request.
    let index = -1;
    this.#free.forEach((array, i) => {
      if (array.length >= length && (index < 0 || array.length < this.#free[index]!.length)) index = i;
    });
    // Shared memory, so that a worker thread can use the array too; with room (address space
    // only) so that one array serves the requests of one value per node and per node + 1, and
    // those of a slightly bigger snapshot it is passed on to (see parseSnapshot's `reuse`).
    if (index < 0) return sharedUint32Array(length);
    const [array] = this.#free.splice(index, 1);
    return array!.length === length ? array! : array!.subarray(0, length);
  }

  /**
   * A free array of at least `length` elements, as `take` gives it, or undefined when none is
   * free: for work that would rather allocate a small array of its own than fresh shared memory.
   */
  takeFree(length: number): Uint32Array | undefined {
    return this.#free.some((array) => array.length >= length) ? this.take(length) : undefined;
  }

  /** The free arrays' buffers (each once), left in place. */
  peek(): SharedArrayBuffer[] {
    return [...new Set(this.#free.map((array) => array.buffer as SharedArrayBuffer))];
  }

  /** Takes every free array's buffer (each once) out (the graph's memory is going to another load). */
  drain(): SharedArrayBuffer[] {
    return [...new Set(this.#free.splice(0).map((array) => array.buffer as SharedArrayBuffer))];
  }

  /** Hands an array back for the next analysis; the caller must not use it afterwards. */
  give(array: Uint32Array): void {
    const piece = this.#pieces.get(array.buffer)?.get(array.byteOffset);
    if (piece !== undefined) this.#free.push(array.length === piece ? array : new Uint32Array(array.buffer, array.byteOffset, piece));
    else this.#free.push(array.byteOffset === 0 && array.length * 4 === array.buffer.byteLength ? array : new Uint32Array(array.buffer));
  }

  /**
   * Adds a piece of a bigger buffer as a free array (the buffer's other pieces may be free
   * arrays of their own): it comes back as that piece, never as the whole buffer.
   */
  givePiece(array: Uint32Array): void {
    let pieces = this.#pieces.get(array.buffer);
    if (!pieces) this.#pieces.set(array.buffer, (pieces = new Map()));
    pieces.set(array.byteOffset, array.length);
    this.#free.push(array);
  }

  /** How many arrays are free. */
  get freeCount(): number {
    return this.#free.length;
  }
}

const SCRATCH = new AnalysisKey<ScratchArrays>('scratch arrays');

/** The work arrays the analyses of `graph` pass on to one another. */
export function scratchArrays(graph: HeapGraph): ScratchArrays {
  return graph.analyses.get(SCRATCH, () => new ScratchArrays());
}
