import { SnapshotFormatError, SnapshotInconsistentError } from '../errors.js';
import {
  STATE_COUNT,
  STATE_STATUS,
  STATUS_BAD_BYTE,
  STATUS_CLOSED,
  STATUS_FULL,
  STATUS_MISSING_VALUE,
  STATUS_NEED_MORE,
  STATUS_TOO_LARGE,
  createTokenizerState,
  tokenizeFloat64,
  tokenizeUint32,
  createWasmTokenizer,
  tokenizeWasm,
  type WasmTokenizer,
} from '../kernels/number-tokenizer.js';
import { NUMBER_TOKENIZER_WASM } from '../kernels/number-tokenizer-wasm.js';
import { roomFor, sharedUint32Array, type SpareMemory } from './spare-memory.js';
import { describeByte } from './json-bytes.js';
import { inputLocation, type SectionReader } from './section-reader.js';
import type { SnapshotHeader } from './snapshot-layout.js';

/** The sections that are arrays of numbers. */
export const NUMERIC_SECTIONS: ReadonlySet<string> = new Set(['nodes', 'edges', 'locations', 'trace_function_infos', 'samples']);

const INITIAL_CAPACITY = 1 << 16;

export type NumericArray = Uint32Array | Float64Array | Int32Array;

/** At byte offset `offsets[i]`, value number `values[i]` of the section began. */
export interface NumericCheckpoints {
  values: number[];
  offsets: number[];
}

/**
 * Room for `locations`, whose length no header declares: one record per node at most (V8
 * writes one per function), bounded by the text (a value takes two bytes at least). Untouched
 * room costs address space only, where growing by doubling copied and touched three times
 * the final size (about 1 s of a 740 MB snapshot's load).
 */
function locationsRoom(header: SnapshotHeader, totalBytes: number): number {
  const fields = Math.max(1, header.layout.locationFields.length);
  return Math.max(INITIAL_CAPACITY, Math.min(header.nodeCount * fields, Math.floor(totalBytes / 2)));
}

/** How many values a numeric section must hold per the header: known for nodes and edges only. */
export function declaredLength(key: string, header: SnapshotHeader): number {
  if (key === 'nodes') return header.nodeCount * header.layout.nodeFieldCount;
  if (key === 'edges') return header.edgeCount * header.layout.edgeFieldCount;
  return Infinity;
}

/**
 * Where the values of one numeric section go, inline or from workers: grown as they arrive,
 * up to what the header declares, and checked against it when the section closes.
 */
export class NumericTarget {
  readonly key: string;
  /** The most values the section may hold (from the header), or Infinity. */
  readonly limit: number;
  /**
   * Signed values up to 2^53 into a Float64Array (`samples`; `locations`, whose line and column
   * are -1 when V8 does not know them, as for code a vm context compiled), else unsigned
   * 32-bit ones.
   */
  readonly float: boolean;
  /**
   * `locations`: read as signed values but kept in an Int32Array (half the memory of a
   * Float64Array: 150 MB of a 2.9 GB snapshot) while every value fits, which V8's always do;
   * the first that does not (past ±2^31, or -0) turns it into a Float64Array.
   */
  readonly narrow: boolean;
  out: NumericArray;
  /** Values merged so far (parallel sections only; inline sections count in the tokenizer state). */
  count = 0;
  readonly checkpoints: NumericCheckpoints;
  /** The values, at their exact length, once the section has closed. */
  result: NumericArray | undefined;
  /**
   * Records placed narrower than the file has them (nodes read by workers, see
   * node-fields.ts): `out` holds `placedWidth` values per `fileWidth` values read.
   */
  readonly records: { readonly fileWidth: number; readonly placedWidth: number } | undefined;
  readonly #file: string | undefined;

  /**
   * `offset` is the offset of the array's "["; `shared` puts the values in shared memory, for
   * workers to write into.
   */
  constructor(
    key: string,
    header: SnapshotHeader,
    offset: number,
    options: {
      file: string | undefined;
      totalBytes: number | undefined;
      shared: boolean;
      spare?: SpareMemory | undefined;
      records?: { readonly fileWidth: number; readonly placedWidth: number } | undefined;
    },
  ) {
    this.key = key;
    this.limit = declaredLength(key, header);
    this.float = key === 'samples' || key === 'locations';
    this.narrow = key === 'locations';
    this.records = options.records;
    this.#file = options.file;
    this.out = this.#allocate(header, options);
    this.checkpoints = { values: [0], offsets: [offset + 1] };
  }

  /** The first array for the values: as big as the header says when the input backs it up, else small, to grow. */
  #allocate(header: SnapshotHeader, options: { totalBytes: number | undefined; shared: boolean; spare?: SpareMemory | undefined }): NumericArray {
    const { totalBytes, shared, spare } = options;
    const declared = Number.isFinite(this.limit);
    // Trust the header's counts for the allocation only when the input size backs them up.
    const trusted = totalBytes !== undefined && declared;
    if (this.float) {
      if (this.narrow) {
        const room = totalBytes !== undefined ? locationsRoom(header, totalBytes) : INITIAL_CAPACITY;
        // A big snapshot's: in shared memory, the last graph's when there is one (`reuse`), so
        // that a series of loads writes its records into memory touched once.
        if (!shared || totalBytes === undefined) return new Int32Array(room);
        return new Int32Array(spare?.take(room * 4) ?? new SharedArrayBuffer(roomFor(room) * 4), 0, room);
      }
      return new Float64Array(trusted ? this.limit : Math.min(this.limit, INITIAL_CAPACITY));
    }
    if (!shared) return new Uint32Array(trusted ? this.limit : Math.min(this.limit, INITIAL_CAPACITY));
    const room = this.#placed(this.limit);
    if (trusted) return sharedUint32Array(room, spare);
    // Sizes not backed by the input (gzip, streams) may still go into spare memory that holds them: nothing is allocated.
    const spared = declared ? spare?.take(room * 4) : undefined;
    return spared ? new Uint32Array(spared, 0, room) : new Uint32Array(new SharedArrayBuffer(this.#placed(Math.min(this.limit, INITIAL_CAPACITY)) * 4));
  }

  /** The room `out` needs for `values` values of the file. */
  #placed(values: number): number {
    const records = this.records;
    return records ? Math.ceil(values / records.fileWidth) * records.placedWidth : values;
  }

  /** How many values of the file `out` has room for. */
  get capacity(): number {
    const records = this.records;
    return records ? Math.floor(this.out.length / records.placedWidth) * records.fileWidth : this.out.length;
  }

  /**
   * Appends `values[0..n)` to a `narrow` section's values, growing it as needed (`offset`: where
   * the reading stands, for the error when it cannot grow).
   */
  appendNarrow(values: Float64Array, n: number, offset: number): void {
    while (this.count + n > this.out.length) this.grow(offset);
    let count = this.count;
    let k = 0;
    const out = this.out;
    if (out instanceof Int32Array) {
      // (One loop per array type: each stays monomorphic.)
      for (; k < n; k++) {
        const value = values[k]!;
        if ((value | 0) !== value || (value === 0 && 1 / value < 0)) break;
        out[count++] = value;
      }
      if (k < n) {
        const wide = new Float64Array(out.length);
        for (let j = 0; j < count; j++) wide[j] = out[j]!;
        this.out = wide;
      }
    }
    const wide = this.out;
    if (wide instanceof Float64Array) for (; k < n; k++) wide[count++] = values[k]!;
    this.count = count;
  }

  /** Notes that value number `count` began at byte `offset`. */
  checkpoint(count: number, offset: number): void {
    this.checkpoints.values.push(count);
    this.checkpoints.offsets.push(offset);
  }

  /** Doubles the room for values, up to the limit; `offset` is where the value that did not fit is. */
  grow(offset: number): void {
    const length = this.capacity;
    if (length >= this.limit) {
      throw new SnapshotInconsistentError(
        `"${this.key}" holds more than the ${this.limit} values the header declares (${this.#declaredAs()})`,
        inputLocation(this.#file, offset),
      );
    }
    const next = this.#placed(Math.min(this.limit, Math.max(INITIAL_CAPACITY, length * 2)));
    const shared = this.out.buffer instanceof SharedArrayBuffer;
    const grown = this.out instanceof Int32Array
      ? new Int32Array(next)
      : this.float
        ? new Float64Array(next)
        : shared
        ? new Uint32Array(new SharedArrayBuffer(next * 4))
        : new Uint32Array(next);
    grown.set(this.out as never);
    this.out = grown;
  }

  /** The section closed with `count` values, its "]" at `closeOffset`: checks the count and sets `result`. */
  complete(count: number, closeOffset: number): void {
    if (Number.isFinite(this.limit) && count !== this.limit) {
      throw new SnapshotInconsistentError(
        `"${this.key}" holds ${count} values but the header declares ${this.limit} (${this.#declaredAs()})`,
        inputLocation(this.#file, closeOffset),
      );
    }
    // A view, not a copy: the room never written was never given memory.
    const placed = this.#placed(count);
    this.result = placed === this.out.length ? this.out : this.out.subarray(0, placed);
  }

  /** Throws the error for a tokenizer `status` (one of `STATUS_*`) at `offset`, where `byte` is. */
  statusError(status: number, byte: number, offset: number): never {
    const where = inputLocation(this.#file, offset);
    if (status === STATUS_BAD_BYTE) {
      throw new SnapshotFormatError(`"${this.key}" must hold only integers, found ${describeByte(byte)}`, where);
    }
    if (status === STATUS_MISSING_VALUE) throw new SnapshotFormatError(`"${this.key}" has an empty value (",," or a trailing comma)`, where);
    if (status === STATUS_TOO_LARGE) {
      const kind = this.float ? '2^53' : '2^32';
      throw new SnapshotFormatError(`"${this.key}" has a value that does not fit below ${kind}`, where);
    }
    throw new SnapshotFormatError(`"${this.key}" could not be read (status ${status})`, where);
  }

  describePosition(valuesRead: number): string {
    const expected = Number.isFinite(this.limit) ? ` of ${this.limit}` : '';
    return `inside "${this.key}" after ${valuesRead}${expected} values`;
  }

  #declaredAs(): string {
    return this.key === 'nodes' ? 'node_count × node_fields' : 'edge_count × edge_fields';
  }
}

/**
 * This thread's instance of the WebAssembly tokenizer (null without WebAssembly: `node
 * --jitless`), made once, by the first inline parse or by {@link prepareThreadTokenizer}. It
 * reads a small file's integers about twice as fast as JavaScript not yet optimised (40–70 ms
 * of an 11 MB snapshot's parse).
 */
let threadWasm: WasmTokenizer | null | undefined;

/**
 * Makes this thread's WebAssembly tokenizer now, if not made yet. For capture: what a parse
 * first makes and keeps (the instance, its memory) must exist before a mark's baseline, or a
 * later diff would count it as the program's new objects.
 */
export function prepareThreadTokenizer(): WasmTokenizer | null {
  if (threadWasm === undefined) threadWasm = createWasmTokenizer(NUMBER_TOKENIZER_WASM) ?? null;
  return threadWasm;
}

/** A numeric section read on this thread by the tokenizer kernel, one call per chunk. */
export class InlineNumericSection implements SectionReader {
  readonly #target: NumericTarget;
  readonly #state = createTokenizerState();
  readonly #wasm = prepareThreadTokenizer();
  #staging: Float64Array | undefined;
  #done = false;

  constructor(target: NumericTarget) {
    this.#target = target;
  }

  get done(): boolean {
    return this.#done;
  }

  push(chunk: Uint8Array, start: number, end: number, base: number): number {
    const target = this.#target;
    if (target.narrow) return this.#pushNarrow(chunk, start, end, base);
    const state = this.#state;
    let i = start;
    for (;;) {
      const wasm = this.#wasm;
      i = target.float
        ? tokenizeFloat64(chunk, i, end, target.out as Float64Array, state)
        : wasm
          ? tokenizeWasm(chunk, i, end, target.out as Uint32Array, state, wasm)
          : tokenizeUint32(chunk, i, end, target.out as Uint32Array, state);
      const status = state[STATE_STATUS]!;
      if (status === STATUS_NEED_MORE) {
        // One checkpoint per chunk boundary is plenty to locate a bad value to within a chunk.
        target.checkpoint(state[STATE_COUNT]!, base + i);
        return i;
      }
      if (status === STATUS_CLOSED) {
        const count = state[STATE_COUNT]!;
        target.checkpoint(count, base + i);
        target.complete(count, base + i - 1);
        this.#done = true;
        return i;
      }
      if (status === STATUS_FULL) {
        target.grow(base + i);
        continue;
      }
      target.statusError(status, chunk[i] ?? -1, base + i);
    }
  }

  /**
   * A `narrow` section: read a stretch at a time into a small Float64Array, each stretch
   * appended to the target (see `NumericTarget.appendNarrow`); the state's count is the
   * stretch's, the target's the section's.
   */
  #pushNarrow(chunk: Uint8Array, start: number, end: number, base: number): number {
    const target = this.#target;
    const state = this.#state;
    const staging = (this.#staging ??= new Float64Array(NARROW_STAGING));
    let i = start;
    for (;;) {
      state[STATE_COUNT] = 0;
      i = tokenizeFloat64(chunk, i, end, staging, state);
      target.appendNarrow(staging, state[STATE_COUNT]!, base + i);
      const status = state[STATE_STATUS]!;
      if (status === STATUS_NEED_MORE) {
        target.checkpoint(target.count, base + i);
        return i;
      }
      if (status === STATUS_CLOSED) {
        target.checkpoint(target.count, base + i);
        target.complete(target.count, base + i - 1);
        this.#done = true;
        return i;
      }
      if (status === STATUS_FULL) continue;
      target.statusError(status, chunk[i] ?? -1, base + i);
    }
  }

  describePosition(): string {
    const target = this.#target;
    return target.describePosition(target.narrow ? target.count : this.#state[STATE_COUNT]!);
  }
}

/** Values a `narrow` section reads at a time. */
const NARROW_STAGING = 16 * 1024;
