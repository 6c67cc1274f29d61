import { isUtf8 } from 'node:buffer';
import { SnapshotEncodingError, SnapshotFormatError, SnapshotTooLargeError } from '../errors.js';
import { describeByte, invalidEscape, isSpace } from './json-bytes.js';
import { inputLocation, type SectionReader } from './section-reader.js';
import { StringTable } from './string-table.js';

// Where the loop is between the strings of the array.
const OPENED = 0;
const AFTER_COMMA = 1;
const IN_STRING = 2;
const AFTER_STRING = 3;

// Where the loop is in an escape sequence: none, after "\", or at the hex digits of \uXXXX.
const NO_ESCAPE = 0;
const AFTER_BACKSLASH = 1;
const FIRST_HEX_DIGIT = 2;
const LAST_HEX_DIGIT = 5;

const MAX_BYTES = 2 ** 32 - 1;

/**
 * The `strings` section, read in one flat loop: structure (quotes, commas, "]"), escapes
 * checked as they pass, content bytes copied into one buffer still escaped, UTF-8 checked per
 * string only when it has non-ASCII bytes. Decoding is left to the {@link StringTable}.
 */
export class StringsSection implements SectionReader {
  readonly #file: string | undefined;
  #bytes: Uint8Array;
  #length = 0;
  /** `offsets[i]` is where string `i` starts in `#bytes`. */
  #offsets = new Uint32Array(1 << 16);
  #count = 0;
  #phase = OPENED;
  #escape = NO_ESCAPE;
  /** The bytes of the current string OR-ed together: bit 7 set means non-ASCII. */
  #highBits = 0;
  /** Input offset of the current string's opening quote. */
  #stringStart = 0;
  #done = false;

  /** `offset` is the offset of the array's "["; `totalBytes` the size of the input, when known. */
  constructor(offset: number, totalBytes: number | undefined, file: string | undefined) {
    this.#file = file;
    // Strings are nearly always the last section: with a known size the rest of the input bounds them.
    const remaining = totalBytes !== undefined ? Math.max(0, totalBytes - offset) : 1 << 20;
    this.#bytes = new Uint8Array(Math.max(16, remaining));
    // A string takes three bytes at least ("",): room no more strings can need.
    if (totalBytes !== undefined) this.#offsets = new Uint32Array(Math.min(1 << 26, Math.max(16, Math.floor(remaining / 3) + 2)));
  }

  get done(): boolean {
    return this.#done;
  }

  push(chunk: Uint8Array, start: number, end: number, base: number): number {
    this.#reserve(end - start, base + start);
    const dst = this.#bytes;
    let offsets = this.#offsets;
    let length = this.#length;
    let count = this.#count;
    let phase = this.#phase;
    let escape = this.#escape;
    let high = this.#highBits;
    let stringStart = this.#stringStart;
    let i = start;
    let closed = false;
    while (i < end) {
      if (phase === IN_STRING && escape === NO_ESCAPE) {
        // The string's plain bytes, in a loop of their own: most strings have nothing else.
        let c = 0;
        while (i < end) {
          c = chunk[i]!;
          if (c === 0x22 /* " */ || c === 0x5c /* \ */ || c < 0x20) break;
          high |= c;
          dst[length++] = c;
          i++;
        }
        if (i === end) break;
        if (c === 0x22) {
          if (high & 0x80 && !isUtf8(dst.subarray(offsets[count]!, length))) this.#encodingError(count, 'is not valid UTF-8', stringStart);
          count++;
          // V8 writes `",\n"` between two strings: straight on to the next one.
          if (i + 3 < end && chunk[i + 1] === 0x2c && chunk[i + 2] === 0x0a && chunk[i + 3] === 0x22 && count + 1 < offsets.length) {
            high = 0;
            stringStart = base + i + 3;
            offsets[count] = length;
            i += 4;
            continue;
          }
          phase = AFTER_STRING;
        } else if (c === 0x5c) {
          escape = AFTER_BACKSLASH;
          dst[length++] = c;
        } else {
          this.#encodingError(count, `holds an unescaped control character (${describeByte(c)})`, base + i);
        }
        i++;
        continue;
      }
      const c = chunk[i]!;
      if (phase === IN_STRING) {
        if (escape === AFTER_BACKSLASH) {
          // " \ / b f n r t, or u and four hex digits
          if (c === 0x22 || c === 0x5c || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74) {
            escape = NO_ESCAPE;
          } else if (c === 0x75) escape = FIRST_HEX_DIGIT;
          else this.#encodingError(count, invalidEscape(c), base + i);
          dst[length++] = c;
        } else {
          const hex = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66); // 0-9 A-F a-f
          if (!hex) this.#encodingError(count, 'has an invalid \\u escape', base + i);
          escape = escape === LAST_HEX_DIGIT ? NO_ESCAPE : escape + 1;
          dst[length++] = c;
        }
        i++;
        continue;
      }
      if (c === 0x22 /* " */ && phase !== AFTER_STRING) {
        phase = IN_STRING;
        high = 0;
        stringStart = base + i;
        if (count + 1 >= offsets.length) {
          const grown = new Uint32Array(offsets.length * 2);
          grown.set(offsets);
          offsets = grown;
        }
        offsets[count] = length;
      } else if (c === 0x2c /* , */ && phase === AFTER_STRING) {
        phase = AFTER_COMMA;
      } else if (c === 0x5d /* ] */ && (phase === OPENED || phase === AFTER_STRING)) {
        offsets[count] = length;
        closed = true;
        i++;
        break;
      } else if (!isSpace(c)) {
        const expected = phase === AFTER_STRING ? '"," or "]"' : 'a string';
        throw new SnapshotFormatError(`"strings" expected ${expected}, found ${describeByte(c)}`, inputLocation(this.#file, base + i));
      }
      i++;
    }
    this.#offsets = offsets;
    this.#length = length;
    this.#count = count;
    this.#phase = phase;
    this.#escape = escape;
    this.#highBits = high;
    this.#stringStart = stringStart;
    this.#done = closed;
    return i;
  }

  describePosition(): string {
    return `inside "strings" after ${this.#count} strings`;
  }

  /** The strings read, once `done`. */
  table(): StringTable {
    // Views, not copies: room never written was never given memory (copying touched it all again).
    return new StringTable(this.#bytes.subarray(0, this.#length), this.#offsets.subarray(0, this.#count + 1), this.#count);
  }

  /** Makes room for `more` bytes of string content (never more than the input that holds it). */
  #reserve(more: number, offset: number): void {
    const needed = this.#length + more;
    if (needed <= this.#bytes.length) return;
    if (needed > MAX_BYTES) {
      throw new SnapshotTooLargeError('the strings section is larger than 4 GiB', inputLocation(this.#file, offset));
    }
    const grown = new Uint8Array(Math.min(MAX_BYTES, Math.max(needed, this.#bytes.length * 2)));
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
  }

  #encodingError(index: number, message: string, offset: number): never {
    throw new SnapshotEncodingError(`string #${index} ${message}`, inputLocation(this.#file, offset));
  }
}
