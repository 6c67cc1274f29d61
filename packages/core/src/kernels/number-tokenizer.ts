/**
 * The hot loop of the parser: turns the bytes of a JSON array of integers into a typed array.
 *
 * These functions are deliberately self-contained (no imports, no closures, no helpers) so that
 * the very same source runs on the main thread and, serialised with `Function#toString`, inside
 * the parse workers. The parallel path is identical to the single-threaded one by construction.
 *
 * State is kept in a small Float64Array so a number split across two chunks carries over:
 * `[value, phase, count, status, negative]`.
 */

/** Index of the partially read value in the tokenizer state. */
export const STATE_VALUE = 0;
/** Index of the phase: see `PHASE_*`. */
export const STATE_PHASE = 1;
/** Index of the number of values written to the output. */
export const STATE_COUNT = 2;
/** Index of the status of the last call: see `STATUS_*`. */
export const STATE_STATUS = 3;
/** Index of the sign flag of the value being read (float tokenizer only). */
export const STATE_NEGATIVE = 4;
export const STATE_LENGTH = 5;

/** Right after `[`: a value or `]` may follow. */
export const PHASE_OPENED = 3;
/** After `,`: a value must follow. */
export const PHASE_EXPECT_VALUE = 0;
/** Inside the digits of a value. */
export const PHASE_IN_VALUE = 1;
/** After a value and some white space: `,` or `]` must follow. */
export const PHASE_AFTER_VALUE = 2;
/** After a `-` sign: a digit must follow. */
export const PHASE_AFTER_SIGN = 4;

/** All bytes up to `end` were consumed; call again with the next chunk. */
export const STATUS_NEED_MORE = 0;
/** The closing `]` was consumed; the returned position is just after it. */
export const STATUS_CLOSED = 1;
/** The output is full; the returned position is where to resume after growing it. */
export const STATUS_FULL = 2;
/** A byte that cannot appear in an array of integers; the returned position points at it. */
export const STATUS_BAD_BYTE = 3;
/** A missing value (`,,`, `[,` or `,]`); the returned position points at it. */
export const STATUS_MISSING_VALUE = 4;
/** A value too large for the output type; the returned position points just after it. */
export const STATUS_TOO_LARGE = 5;

export function createTokenizerState(): Float64Array {
  const state = new Float64Array(5); // STATE_LENGTH, inlined: this function also runs in workers
  state[1] = 3; // PHASE_OPENED
  return state;
}

/**
 * Reads unsigned 32-bit integers from `bytes[start..end)` into `out`, starting at `state[2]`.
 * Returns the position where reading stopped; `state[3]` says why.
 */
export function tokenizeUint32(
  bytes: Uint8Array,
  start: number,
  end: number,
  out: Uint32Array,
  state: Float64Array,
): number {
  // Integer-typed locals (| 0, >>> 0) keep V8 on its fast paths; the value itself may pass 2^31.
  let value = state[0]!;
  let phase = state[1]! | 0;
  let count = state[2]! >>> 0;
  const capacity = out.length >>> 0;
  let status = 0;
  let i = start | 0;
  while (i < end) {
    // Fast path, while a value is expected: "digits," over and over, no other checks.
    if (phase === 0 || phase === 3) {
      while (i < end) {
        let c = bytes[i]!;
        let d = (c - 48) >>> 0;
        if (d > 9) break;
        let v = d;
        i++;
        if (d === 0) {
          // A zero is the whole value: a digit after it ("01") is not JSON, and the slow path below refuses it.
          if (i < end) {
            c = bytes[i]!;
            if (((c - 48) >>> 0) <= 9) {
              value = 0;
              phase = 1;
              break;
            }
          }
        } else {
          while (i < end) {
            c = bytes[i]!;
            d = (c - 48) >>> 0;
            if (d > 9) break;
            v = v * 10 + d;
            i++;
          }
        }
        if (i < end && count !== capacity && v <= 4294967295) {
          if (c === 44) {
            out[count++] = v;
            i++;
            phase = 0;
            continue;
          }
          // V8 ends each node and edge record with "\n,": taken here too, not by the slow path.
          if (c === 10 && i + 1 < end && bytes[i + 1] === 44) {
            out[count++] = v;
            i += 2;
            phase = 0;
            continue;
          }
        }
        value = v;
        phase = 1;
        break;
      }
      if (i >= end) break;
    }
    const c = bytes[i]!;
    if (c >= 48 && c <= 57) {
      // After a value and white space, or after a leading "0": JSON allows no digit here.
      if (phase === 2 || (phase === 1 && value === 0)) {
        status = 3;
        break;
      }
      value = value * 10 + (c - 48);
      phase = 1;
      i++;
      continue;
    }
    if (c === 44) {
      if (phase === 0 || phase === 3) {
        status = 4;
        break;
      }
      if (count === capacity) {
        status = 2;
        break;
      }
      if (value > 4294967295) {
        status = 5;
        break;
      }
      out[count++] = value;
      value = 0;
      phase = 0;
      i++;
      continue;
    }
    if (c === 93) {
      if (phase === 0) {
        status = 4;
        break;
      }
      if (phase !== 3) {
        if (count === capacity) {
          status = 2;
          break;
        }
        if (value > 4294967295) {
          status = 5;
          break;
        }
        out[count++] = value;
        value = 0;
      }
      phase = 3;
      status = 1;
      i++;
      break;
    }
    if (c === 10 || c === 32 || c === 13 || c === 9) {
      if (phase === 1) phase = 2;
      i++;
      continue;
    }
    status = 3;
    break;
  }
  state[0] = value;
  state[1] = phase;
  state[2] = count;
  state[3] = status;
  return i;
}

/**
 * Like {@link tokenizeUint32} but for signed integers up to 2^53 (sample timestamps and the
 * like), into a Float64Array.
 */
export function tokenizeFloat64(
  bytes: Uint8Array,
  start: number,
  end: number,
  out: Float64Array,
  state: Float64Array,
): number {
  let value = state[0]!;
  let phase = state[1]! | 0;
  let count = state[2]! >>> 0;
  let negative = state[4]! | 0;
  const capacity = out.length;
  let status = 0;
  let i = start;
  for (; i < end; i++) {
    // Fast path, while a value is expected: unsigned "digits," or "digits\n," (as V8 ends each
    // record) over and over; anything else (a sign, a leading zero, white space) takes the loop below.
    if (phase === 0 || phase === 3) {
      while (i < end && count !== capacity) {
        let c = bytes[i]!;
        let d = c - 49;
        if (d < 0 || d > 8) break; // 1–9: a value that may not start with 0
        let v = d + 1;
        let j = i + 1;
        for (; j < end; j++) {
          c = bytes[j]!;
          d = c - 48;
          if (d < 0 || d > 9) break;
          v = v * 10 + d;
        }
        if (j >= end || v > 9007199254740991) break;
        if (c === 44) j++;
        else if (c === 10 && j + 1 < end && bytes[j + 1] === 44) j += 2;
        else break;
        out[count++] = v;
        i = j;
        phase = 0;
      }
      if (i >= end) break;
    }
    const c = bytes[i]!;
    const digit = c - 48;
    if (digit >= 0 && digit <= 9) {
      if (phase === 2 || (phase === 1 && value === 0)) {
        status = 3;
        break;
      }
      value = value * 10 + digit;
      phase = 1;
    } else if (c === 45) {
      if (phase !== 0 && phase !== 3) {
        status = 3;
        break;
      }
      negative = 1;
      phase = 4;
    } else if (c === 44 || c === 93) {
      if (phase === 0 || phase === 4 || (phase === 3 && c === 44)) {
        status = 4;
        break;
      }
      if (phase !== 3) {
        if (count === capacity) {
          status = 2;
          break;
        }
        if (value > 9007199254740991) {
          status = 5;
          break;
        }
        out[count++] = negative ? -value : value;
        value = 0;
        negative = 0;
      }
      if (c === 93) {
        phase = 3;
        status = 1;
        i++;
        break;
      }
      phase = 0;
    } else if (c === 10 || c === 32 || c === 13 || c === 9) {
      if (phase === 1) phase = 2;
      else if (phase === 4) {
        status = 3;
        break;
      }
    } else {
      status = 3;
      break;
    }
  }
  state[0] = value;
  state[1] = phase;
  state[2] = count;
  state[3] = status;
  state[4] = negative;
  return i;
}

/**
 * An instance of the WebAssembly fast path (number-tokenizer.wat) as {@link tokenizeWasm} uses
 * it: see {@link createWasmTokenizer}.
 */
export interface WasmTokenizer {
  /** The module's `tokenizeUint32(i, end, outEnd) => stop`: see number-tokenizer.wat. */
  readonly tokenizeUint32: (i: number, end: number, outEnd: number) => number;
  /** The module's `out` global: the byte address of the next value. */
  readonly out: { value: number };
  /**
   * The instance's own memory: a piece of input at the start, then room for its values.
   * Undefined for an instance on the caller's memory (`instantiateWasmTokenizer`): the input
   * and the values are read and written in place there.
   */
  readonly bytes: Uint8Array | undefined;
  readonly values: Uint32Array | undefined;
}

/** The little of the WebAssembly API used here (TypeScript declares it only with the DOM's). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}

/** A WebAssembly memory, shared between threads (its `buffer` is a SharedArrayBuffer). */
export interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
}

/**
 * A shared WebAssembly memory of at least `bytes` (zeroed), or undefined where WebAssembly is
 * not available (`node --jitless`). Self-contained: slab-pool.ts and the workers call it.
 */
export function sharedWasmMemory(bytes: number): WasmMemory | undefined {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  const pages = Math.ceil(bytes / 65536);
  return api === undefined ? undefined : new api.Memory({ initial: pages, maximum: pages, shared: true });
}

/**
 * An instance of the module (base64, as number-tokenizer-wasm.ts holds it; or compiled, as
 * `compiled` returns it) reading and writing `memory`. Undefined without WebAssembly.
 * Self-contained: the workers call it.
 */
export function instantiateWasmTokenizer(module: string | object, memory: WasmMemory): WasmTokenizer & { compiled: object } {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly!;
  const compiled = typeof module === 'string' ? new api.Module(Buffer.from(module, 'base64')) : module;
  const exports = new api.Instance(compiled, { env: { memory } }).exports as Pick<WasmTokenizer, 'tokenizeUint32' | 'out'>;
  return { tokenizeUint32: exports.tokenizeUint32, out: exports.out, bytes: undefined, values: undefined, compiled };
}

/**
 * Instantiates the WebAssembly fast path from its module's bytes (base64, as
 * number-tokenizer-wasm.ts holds them) with a memory of its own; undefined where WebAssembly
 * is not available (`node --jitless`) or its memory cannot be had (V8 reserves ~10 GiB of
 * address space for each: an `ulimit -v` may not leave that): the JavaScript tokenizer then
 * reads alone. `pieceBytes`: the input copied in at a time (a multiple of 4); the memory holds
 * three times that, all of it touched by a small file's parse, hence 256 KiB (1 MiB pieces
 * were no faster, and 2.25 MB more of fresh memory).
 */
export function createWasmTokenizer(base64: string, pieceBytes = 1 << 18): WasmTokenizer | undefined {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return undefined;
  // A piece, then its values: each takes 2 bytes of input at least, and 4 bytes as a value.
  const pages = Math.ceil((pieceBytes * 3) / 65536);
  let memory: WasmMemory;
  try {
    memory = new api.Memory({ initial: pages, maximum: pages, shared: true });
  } catch {
    return undefined;
  }
  const exports = new api.Instance(new api.Module(Buffer.from(base64, 'base64')), { env: { memory } }).exports as Pick<WasmTokenizer, 'tokenizeUint32' | 'out'>;
  return {
    tokenizeUint32: exports.tokenizeUint32,
    out: exports.out,
    bytes: new Uint8Array(memory.buffer, 0, pieceBytes),
    values: new Uint32Array(memory.buffer, pieceBytes, pieceBytes >>> 1),
  };
}

/**
 * {@link tokenizeUint32} with its fast path in WebAssembly (`wasm`): the same values, state,
 * statuses and positions, by construction. The module reads the plain `digits,` values of a
 * piece (`pieceBytes`, at most the instance's memory) and stops short of anything else (see
 * number-tokenizer.wat), where `tokenizeUint32` reads on: a value cut by the piece's end, or —
 * when the module stopped early, on white space, "]" or a bad byte — the rest of the piece.
 *
 * An instance on the caller's memory (`instantiateWasmTokenizer`, on a parse worker's slab: see
 * parser/slab-pool.ts) takes `bytes` and `out` as views on that memory (on its buffer, or one
 * another thread posted): nothing is copied, the module reads the bytes where they lie and
 * writes the values into place. An instance with a memory of its own copies each piece in and
 * its values out. Self-contained like the other kernels, apart from
 * calling `tokenizeUint32`, which a worker defines beside it.
 */
export function tokenizeWasm(
  bytes: Uint8Array,
  start: number,
  end: number,
  out: Uint32Array,
  state: Float64Array,
  wasm: WasmTokenizer,
  pieceBytes = Math.min(wasm.bytes?.length ?? Infinity, 1 << 20),
): number {
  const inPlace = wasm.bytes === undefined;
  const values = inPlace ? out : wasm.values!;
  const valuesAt = values.byteOffset;
  let i = start;
  state[3] = 0; // STATUS_NEED_MORE
  while (i < end) {
    let to = i;
    const phase = state[1];
    if (phase === 0 || phase === 3) {
      to = Math.min(end, i + pieceBytes);
      const count = state[2]!;
      // Where the piece is in the module's memory, and the values before it in `values`.
      const at = inPlace ? bytes.byteOffset + i : 0;
      const before = inPlace ? count : 0;
      if (!inPlace) wasm.bytes!.set(bytes.subarray(i, to), 0);
      const room = inPlace ? out.length : before + Math.min(out.length - count, values.length);
      wasm.out.value = valuesAt + before * 4;
      i += wasm.tokenizeUint32(at, at + to - i, valuesAt + room * 4) - at;
      const read = ((wasm.out.value - valuesAt) >>> 2) - before;
      if (read > 0) {
        if (!inPlace) out.set(values.subarray(0, read), count);
        state[0] = 0;
        state[1] = 0; // PHASE_EXPECT_VALUE
        state[2] = count + read;
      }
      if (i >= end) break;
    }
    // The module stops within 12 bytes of the piece's end when a value may go on past it.
    i = tokenizeUint32(bytes, i, Math.min(end, to - i > 16 ? to : i + 32), out, state);
    if (state[3] !== 0) break;
  }
  return i;
}
