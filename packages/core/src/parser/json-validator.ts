import { SnapshotEncodingError, SnapshotFormatError } from '../errors.js';
import { describeByte, invalidEscape, isSpace, skipSpace } from './json-bytes.js';
import { inputLocation } from './section-reader.js';

// What the validator expects next; states up to AFTER_VALUE are between tokens.
const VALUE = 0;
/** After "[": a value or "]". */
const ARRAY_FIRST = 1;
/** After "{": a key or "}". */
const OBJECT_FIRST = 2;
/** After "," in an object: a key. */
const OBJECT_KEY = 3;
const COLON = 4;
/** After a value inside a container: "," or its closing bracket. */
const AFTER_VALUE = 5;
const STRING = 6;
const ESCAPE = 7;
/** Inside \uXXXX: `#count` hex digits still to come. */
const HEX = 8;
/** Inside a multi-byte UTF-8 sequence: `#count` continuation bytes still to come. */
const UTF8 = 9;
const NUMBER_SIGN = 10;
/** After a leading "0": no more digits may follow. */
const NUMBER_ZERO = 11;
const NUMBER_INT = 12;
const NUMBER_POINT = 13;
const NUMBER_FRACTION = 14;
const NUMBER_EXP = 15;
const NUMBER_EXP_SIGN = 16;
const NUMBER_EXP_DIGITS = 17;
/** Inside true, false or null: `#literal` from `#count` on must follow. */
const LITERAL = 18;
const DONE = 19;

const OBJECT = 1;
const ARRAY = 2;
/** Deeper nesting is refused: no V8 snapshot nests more than a few levels outside `trace_tree`. */
const MAX_DEPTH = 1 << 20;

/**
 * Checks one JSON value as it streams past (RFC 8259, exactly as `JSON.parse` reads it, plus
 * UTF-8 validity inside strings) and finds where it ends, without keeping it. Errors name the
 * exact byte offset. A number or literal at the top ends before the byte that follows it,
 * which is left for the caller.
 *
 * @example
 * const value = new JsonValidator('the "x" section', file)
 * const end = value.push(chunk, start, chunk.length, base) // -1: the value goes on
 */
export class JsonValidator {
  readonly #what: string;
  readonly #file: string | undefined;
  #state = VALUE;
  /** Container kinds, innermost last. */
  #stack = new Uint8Array(16);
  #depth = 0;
  /** The string being read is an object key. */
  #inKey = false;
  #count = 0;
  #literal = '';
  /** Allowed range of the next continuation byte (narrower after some lead bytes). */
  #low = 0x80;
  #high = 0xbf;

  /** `what` names the value in error messages: `the "snapshot" header`. */
  constructor(what: string, file: string | undefined) {
    this.#what = what;
    this.#file = file;
  }

  get done(): boolean {
    return this.#state === DONE;
  }

  /**
   * Reads `chunk[start..end)`, where `chunk[0]` is input byte `base`. Returns the position just
   * after the value (for a number at the top: its first byte past the number), or -1 when the
   * chunk ended first.
   */
  push(chunk: Uint8Array, start: number, end: number, base: number): number {
    for (let i = start; i < end; i++) {
      if (this.#state <= AFTER_VALUE) {
        // Between tokens: runs of white space, however long, pass in one tight loop.
        i = skipSpace(chunk, i, end);
        if (i === end) break;
      }
      const c = chunk[i]!;
      switch (this.#state) {
        case STRING:
          if (c === 0x22 /* " */) {
            if (this.#inKey) {
              this.#inKey = false;
              this.#state = COLON;
            } else if (this.#closeValue()) return i + 1;
          } else if (c === 0x5c /* \ */) this.#state = ESCAPE;
          else if (c < 0x20) this.#encodingError(`holds an unescaped control character (${describeByte(c)})`, base + i);
          else if (c >= 0x80) this.#utf8Lead(c, base + i);
          continue;
        case UTF8:
          if (c < this.#low || c > this.#high) this.#encodingError('is not valid UTF-8', base + i);
          this.#low = 0x80;
          this.#high = 0xbf;
          if (--this.#count === 0) this.#state = STRING;
          continue;
        case ESCAPE:
          // " \ / b f n r t, or u and four hex digits
          if (c === 0x22 || c === 0x5c || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74) {
            this.#state = STRING;
          } else if (c === 0x75 /* u */) {
            this.#state = HEX;
            this.#count = 4;
          } else this.#encodingError(invalidEscape(c), base + i);
          continue;
        case HEX:
          if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))) {
            this.#encodingError('has an invalid \\u escape', base + i);
          }
          if (--this.#count === 0) this.#state = STRING;
          continue;
        case LITERAL:
          if (c !== this.#literal.charCodeAt(this.#count)) this.#fail(`expected ${this.#literal}`, c, base + i);
          if (++this.#count === this.#literal.length && this.#closeValue()) return i + 1;
          continue;
        case VALUE:
        case ARRAY_FIRST:
          if (isSpace(c)) continue;
          if (c === 0x5d /* ] */ && this.#state === ARRAY_FIRST) {
            if (this.#closeContainer()) return i + 1;
            continue;
          }
          this.#beginValue(c, base + i);
          continue;
        case OBJECT_FIRST:
        case OBJECT_KEY:
          if (isSpace(c)) continue;
          if (c === 0x22 /* " */) {
            this.#state = STRING;
            this.#inKey = true;
          } else if (c === 0x7d /* } */ && this.#state === OBJECT_FIRST) {
            if (this.#closeContainer()) return i + 1;
          } else this.#fail(this.#state === OBJECT_FIRST ? 'expected a key in quotes or "}"' : 'expected a key in quotes', c, base + i);
          continue;
        case COLON:
          if (isSpace(c)) continue;
          if (c !== 0x3a /* : */) this.#fail('expected ":" after a key', c, base + i);
          this.#state = VALUE;
          continue;
        case AFTER_VALUE: {
          if (isSpace(c)) continue;
          const inObject = this.#stack[this.#depth - 1] === OBJECT;
          if (c === 0x2c /* , */) this.#state = inObject ? OBJECT_KEY : VALUE;
          else if (c === (inObject ? 0x7d /* } */ : 0x5d) /* ] */) {
            if (this.#closeContainer()) return i + 1;
          } else this.#fail(inObject ? 'expected "," or "}"' : 'expected "," or "]"', c, base + i);
          continue;
        }
        case NUMBER_SIGN:
          if (c === 0x30 /* 0 */) this.#state = NUMBER_ZERO;
          else if (c > 0x30 && c <= 0x39) this.#state = NUMBER_INT;
          else this.#fail('expected a digit after "-"', c, base + i);
          continue;
        case NUMBER_POINT:
          if (c < 0x30 || c > 0x39) this.#fail('expected a digit after "."', c, base + i);
          this.#state = NUMBER_FRACTION;
          continue;
        case NUMBER_EXP:
          if (c === 0x2b /* + */ || c === 0x2d /* - */) this.#state = NUMBER_EXP_SIGN;
          else if (c >= 0x30 && c <= 0x39) this.#state = NUMBER_EXP_DIGITS;
          else this.#fail('expected a digit in the exponent', c, base + i);
          continue;
        case NUMBER_EXP_SIGN:
          if (c < 0x30 || c > 0x39) this.#fail('expected a digit in the exponent', c, base + i);
          this.#state = NUMBER_EXP_DIGITS;
          continue;
        case NUMBER_ZERO:
        case NUMBER_INT:
        case NUMBER_FRACTION:
        case NUMBER_EXP_DIGITS: {
          const digit = c >= 0x30 && c <= 0x39;
          if (digit && this.#state !== NUMBER_ZERO) continue;
          if (digit) this.#fail('a number must not start with "0"', c, base + i);
          if (c === 0x2e /* . */ && (this.#state === NUMBER_ZERO || this.#state === NUMBER_INT)) {
            this.#state = NUMBER_POINT;
            continue;
          }
          if ((c === 0x65 || c === 0x45) /* e E */ && this.#state !== NUMBER_EXP_DIGITS) {
            this.#state = NUMBER_EXP;
            continue;
          }
          // The number ended just before this byte, which belongs to what follows.
          if (this.#closeValue()) return i;
          i--;
          continue;
        }
        case DONE:
          return i;
      }
    }
    return -1;
  }

  #beginValue(c: number, offset: number): void {
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (this.#depth === MAX_DEPTH) throw new SnapshotFormatError(`${this.#what} nests deeper than ${MAX_DEPTH} levels`, inputLocation(this.#file, offset));
      if (this.#depth === this.#stack.length) {
        const grown = new Uint8Array(this.#stack.length * 2);
        grown.set(this.#stack);
        this.#stack = grown;
      }
      this.#stack[this.#depth++] = c === 0x7b ? OBJECT : ARRAY;
      this.#state = c === 0x7b ? OBJECT_FIRST : ARRAY_FIRST;
    } else if (c === 0x22 /* " */) this.#state = STRING;
    else if (c === 0x2d /* - */) this.#state = NUMBER_SIGN;
    else if (c === 0x30 /* 0 */) this.#state = NUMBER_ZERO;
    else if (c > 0x30 && c <= 0x39) this.#state = NUMBER_INT;
    else if (c === 0x74 /* t */ || c === 0x66 /* f */ || c === 0x6e /* n */) {
      this.#literal = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
      this.#count = 1;
      this.#state = LITERAL;
    } else this.#fail('expected a value', c, offset);
  }

  /** A value ended; true when it was the whole value. */
  #closeValue(): boolean {
    this.#state = this.#depth === 0 ? DONE : AFTER_VALUE;
    return this.#state === DONE;
  }

  #closeContainer(): boolean {
    this.#depth--;
    return this.#closeValue();
  }

  /** Checks the lead byte of a multi-byte UTF-8 sequence (no overlongs, surrogates or values past U+10FFFF). */
  #utf8Lead(c: number, offset: number): void {
    if (c >= 0xc2 && c <= 0xdf) this.#count = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      this.#count = 2;
      if (c === 0xe0) this.#low = 0xa0;
      else if (c === 0xed) this.#high = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      this.#count = 3;
      if (c === 0xf0) this.#low = 0x90;
      else if (c === 0xf4) this.#high = 0x8f;
    } else this.#encodingError('is not valid UTF-8', offset);
    this.#state = UTF8;
  }

  #fail(expected: string, c: number, offset: number): never {
    throw new SnapshotFormatError(`${this.#what} is not valid JSON: ${expected}, found ${describeByte(c)}`, inputLocation(this.#file, offset));
  }

  #encodingError(message: string, offset: number): never {
    throw new SnapshotEncodingError(`a string in ${this.#what} ${message}`, inputLocation(this.#file, offset));
  }
}
