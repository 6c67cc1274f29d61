/** Input bytes a slab holds after its reserve, and the reserve in front for carried-over bytes. */
export const SLAB_BYTES = 1024 * 1024;
export const SLAB_RESERVE = 64 * 1024;
const SLAB_INPUT = SLAB_RESERVE + SLAB_BYTES;
/** Values one job can produce from a slab's input at most (every value takes two bytes). */
const SLAB_VALUES = (SLAB_INPUT >>> 1) + 2;

/**
 * Shared memory holding input bytes for workers (read from the file straight into `input`
 * after the reserve). Reused; `refs` counts the chunk and the jobs still using it.
 */
export interface Slab {
  readonly input: SharedArrayBuffer;
  refs: number;
}

/** Slabs in use and free, found again from a chunk's buffer; and output buffers for jobs. */
export class SlabPool {
  readonly #free: Slab[] = [];
  readonly #freeOutputs: SharedArrayBuffer[] = [];
  readonly #byBuffer = new WeakMap<ArrayBufferLike, Slab>();

  acquire(): Slab {
    let slab = this.#free.pop();
    if (!slab) {
      slab = { input: new SharedArrayBuffer(SLAB_INPUT), refs: 0 };
      this.#byBuffer.set(slab.input, slab);
    }
    slab.refs = 1;
    return slab;
  }

  /** Room for the values of one job (any stretch of at most one slab's input). */
  acquireOutput(): SharedArrayBuffer {
    return this.#freeOutputs.pop() ?? new SharedArrayBuffer(SLAB_VALUES * 4);
  }

  releaseOutput(output: SharedArrayBuffer): void {
    this.#freeOutputs.push(output);
  }

  /** A read buffer for the byte source: the slab's input after the reserve. */
  acquireChunk(): Buffer {
    return Buffer.from(this.acquire().input, SLAB_RESERVE, SLAB_BYTES);
  }

  /** The slab a chunk was read into, if any. */
  slabOf(chunk: Uint8Array): Slab | undefined {
    return this.#byBuffer.get(chunk.buffer);
  }

  retain(slab: Slab): void {
    slab.refs++;
  }

  release(slab: Slab): void {
    if (--slab.refs === 0) this.#free.push(slab);
  }
}
