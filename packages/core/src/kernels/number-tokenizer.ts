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
