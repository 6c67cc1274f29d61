import { sharedWasmMemory, type WasmMemory } from '../kernels/number-tokenizer.js';

/**
 * Input bytes a slab holds after its reserve, and the reserve in front for carried-over bytes.
 * A chunk read into a slab is one worker job (tokenize, then place), of `jobBytes(textBytes)`.
 */
export const SLAB_BYTES = 4 * 1024 * 1024;

/** Text size from which a load reads and parses its numbers in jobs of `SLAB_BYTES`, not of 1 MiB. */
const BIG_JOBS_MIN_BYTES = 400_000_000;

/**
 * The bytes per job for a snapshot text of `textBytes` (undefined: not known). Each job costs a
 * round trip through the main thread, which on two cores takes a core from the workers: 4 MiB
 * jobs parse a 740 MB snapshot's numbers in ~0.85–0.95 s where 1 MiB jobs took ~0.95–1.3 s
 * (three files in turn, four alternating runs on this project's 2-core VM; 16 MiB ones were
 * slower again: the last jobs of a section keep one worker waiting). On a 148 MB file they gain
 * nothing and the jobs in flight hold ~50 MB more (300 → 345 MB peak): smaller files keep 1 MiB.
 */
export function jobBytes(textBytes: number | undefined): number {
  return textBytes !== undefined && textBytes >= BIG_JOBS_MIN_BYTES ? SLAB_BYTES : 1024 * 1024;
}
export const SLAB_RESERVE = 64 * 1024;
const SLAB_INPUT = SLAB_RESERVE + SLAB_BYTES;
/** Values one job can produce from a slab's input at most (every value takes two bytes). */
export const SLAB_VALUES = (SLAB_INPUT >>> 1) + 2;
/** Where a slab's room for values starts, from the slab's `base` (see `Slab.memory`). */
export const SLAB_VALUES_AT = SLAB_INPUT;
/** Bytes between two slabs of one WebAssembly memory: input and room for values, in whole pages. */
const SLAB_STRIDE = Math.ceil((SLAB_INPUT + SLAB_VALUES * 4) / 65536) * 65536;
/**
 * Slabs per WebAssembly memory. V8 reserves ~10 GiB of address space for each memory (guard
 * regions), whatever its size: one memory per slab took a 740 MB load to 123 GiB of virtual
 * size and failed under `ulimit -v` limits the copying path passed; eight slabs share one.
 */
const SLABS_PER_MEMORY = 8;

/**
 * Shared memory holding input bytes for workers (read from the file straight into `input`
 * after the reserve). Reused; `refs` counts the chunk and the jobs still using it.
 */
export interface Slab {
  readonly input: SharedArrayBuffer;
  /** Where the slab starts in `input` (slabs of one WebAssembly memory share its buffer); its reserve comes first. */
  readonly base: number;
  /**
   * The WebAssembly memory `input` belongs to (undefined without WebAssembly): after the input,
   * from `SLAB_VALUES_AT`, room for one job's values, so that a worker's tokenizer reads the
   * bytes where they were read and writes the values beside them — no copy in or out (about
   * 40 % of a 4 MiB job's time on this project's 2-core VM: 0.72 → 0.43 s for 624 MB on one
   * thread). Pages of the room no job writes are never given memory. Undefined also where the
   * memory could not be had (an address-space limit): the slab is then plain shared memory.
   */
  readonly memory: WasmMemory | undefined;
  /** Whether a job's values are in the room (one job at a time: a second job of the slab takes an output buffer). */
  valuesTaken: boolean;
  refs: number;
}

/**
 * Free slabs (and, apart, free outputs) a pool keeps at most: more than one load has in flight.
 * A load stopped midway leaves its jobs to end on their own, and their buffers come back
 * after the next load has taken fresh ones: past this many they are left to the collector.
 */
const MAX_FREE = 24;

/** How long the process's slabs (see `SlabPool.lease`) outlive the last load that used them. */
const SHARED_IDLE_MS = 3000;

/** Slabs in use and free, found again from a chunk's buffer; and output buffers for jobs. */
export class SlabPool {
  /** The process's pool, while it lives (see `lease`). */
  static #shared: SlabPool | undefined;
  static #leases = 0;
  static #idle: NodeJS.Timeout | undefined;

  /**
   * The process's pool, to use until `release`: a series of loads reads into the same slabs
   * (some 80 MB of shared memory with a big file's jobs in flight), instead of each touching
   * fresh ones, and the last load's are dropped a few seconds after it ends.
   *
   * @example
   * const slabs = SlabPool.lease()
   * try { … } finally { SlabPool.release(slabs) }
   */
  static lease(): SlabPool {
    clearTimeout(SlabPool.#idle);
    SlabPool.#idle = undefined;
    SlabPool.#shared ??= new SlabPool();
    SlabPool.#leases++;
    return SlabPool.#shared;
  }

  /**
   * Lends the shared memory of the process pool's idle slabs (when no load holds the pool and
   * no job uses them) to `borrow`, for an analysis's work arrays (see `analyzeGraph`), which
   * would otherwise touch as much fresh memory while the slabs sit idle until the pool is
   * dropped. `borrow` returns the buffers it keeps: those leave the pool (a later load reads
   * into new slabs); the rest stay. Lends nothing while a load is under way.
   */
  static lendIdle(borrow: (buffers: SharedArrayBuffer[]) => readonly SharedArrayBuffer[]): void {
    const pool = SlabPool.#shared;
    if (!pool || SlabPool.#leases > 0) return;
    const idle = pool.#buffers.filter((buffer) => pool.#byBuffer.get(buffer)!.every((slab) => slab.refs === 0));
    if (idle.length === 0) return;
    for (const buffer of borrow(idle)) pool.#remove(buffer);
  }

  /** Gives back the pool from `lease`. (Slabs still in use by jobs come back to it as those end.) */
  static release(pool: SlabPool): void {
    if (pool !== SlabPool.#shared) return;
    SlabPool.#leases = Math.max(0, SlabPool.#leases - 1);
    if (SlabPool.#leases > 0) return;
    SlabPool.#idle = setTimeout(() => {
      if (SlabPool.#leases === 0) SlabPool.#shared = undefined;
    }, SHARED_IDLE_MS);
    SlabPool.#idle.unref();
  }

  readonly #free: Slab[] = [];
  /** Slabs of the memories made so far that no one has used yet. */
  readonly #unused: Slab[] = [];
  readonly #freeOutputs: SharedArrayBuffer[] = [];
  /** The slabs on each buffer, by their order in it. */
  readonly #byBuffer = new WeakMap<ArrayBufferLike, Slab[]>();
  /** The buffers of the slabs made so far, not lent (see `lendIdle`). */
  readonly #buffers: SharedArrayBuffer[] = [];

  /** Takes a buffer's slabs out of the pool (it was lent). */
  #remove(buffer: SharedArrayBuffer): void {
    const slabs = new Set(this.#byBuffer.get(buffer));
    this.#byBuffer.delete(buffer);
    this.#buffers.splice(this.#buffers.indexOf(buffer), 1);
    for (const list of [this.#free, this.#unused]) {
      for (let i = list.length - 1; i >= 0; i--) if (slabs.has(list[i]!)) list.splice(i, 1);
    }
  }

  acquire(): Slab {
    const slab = this.#free.pop() ?? this.#unused.pop() ?? this.#newSlab();
    slab.refs = 1;
    slab.valuesTaken = false;
    return slab;
  }

  /** A slab of a new WebAssembly memory (its others kept for later), or of plain shared memory where there is none. */
  #newSlab(): Slab {
    let memory: WasmMemory | undefined;
    try {
      memory = sharedWasmMemory(SLABS_PER_MEMORY * SLAB_STRIDE);
    } catch {
      // (RangeError: the address space for its guard regions is not there, as under `ulimit -v`.)
      memory = undefined;
    }
    if (!memory) {
      const slab: Slab = { input: new SharedArrayBuffer(SLAB_INPUT), base: 0, memory: undefined, valuesTaken: false, refs: 0 };
      this.#byBuffer.set(slab.input, [slab]);
      this.#buffers.push(slab.input);
      return slab;
    }
    const slabs = Array.from({ length: SLABS_PER_MEMORY }, (_, k): Slab => ({ input: memory.buffer, base: k * SLAB_STRIDE, memory, valuesTaken: false, refs: 0 }));
    this.#byBuffer.set(memory.buffer, slabs);
    this.#buffers.push(memory.buffer);
    // Handed out first to last.
    this.#unused.push(...slabs.slice(1).reverse());
    return slabs[0]!;
  }

  /** Room for the values of one job (any stretch of at most one slab's input). */
  acquireOutput(): SharedArrayBuffer {
    return this.#freeOutputs.pop() ?? new SharedArrayBuffer(SLAB_VALUES * 4);
  }

  releaseOutput(output: SharedArrayBuffer): void {
    if (this.#freeOutputs.length < MAX_FREE) this.#freeOutputs.push(output);
  }

  /**
   * A read buffer for the byte source: the first `bytes` of the slab's input after the reserve
   * (the rest of a slab no read reaches is never given memory).
   */
  acquireChunk(bytes = SLAB_BYTES): Buffer {
    const slab = this.acquire();
    return Buffer.from(slab.input, slab.base + SLAB_RESERVE, Math.min(bytes, SLAB_BYTES));
  }

  /** The slab a chunk was read into, if any. */
  slabOf(chunk: Uint8Array): Slab | undefined {
    const slabs = this.#byBuffer.get(chunk.buffer);
    return slabs && (slabs.length === 1 ? slabs[0] : slabs[Math.floor(chunk.byteOffset / SLAB_STRIDE)]);
  }

  retain(slab: Slab): void {
    slab.refs++;
  }

  release(slab: Slab): void {
    if (--slab.refs === 0 && this.#free.length < MAX_FREE) this.#free.push(slab);
  }
}
