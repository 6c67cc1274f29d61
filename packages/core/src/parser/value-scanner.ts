import { copyOf } from './json-bytes.js';
import { JsonValidator } from './json-validator.js';
import type { SectionReader } from './section-reader.js';

/**
 * Keeps the bytes of one small JSON value (the header) that may span chunks, checked as they
 * pass: once `done`, the bytes are valid JSON (and valid UTF-8) for `JSON.parse`.
 */
export class ValueCollector {
  readonly #validator: JsonValidator;
  #pieces: Uint8Array[] = [];
  #length = 0;

  /** `what` names the value in error messages: `the "snapshot" header`. */
  constructor(what: string, file: string | undefined) {
    this.#validator = new JsonValidator(what, file);
  }

  get done(): boolean {
    return this.#validator.done;
  }

  /** Bytes kept so far. */
  get length(): number {
    return this.#length;
  }

  /** Keeps the value's bytes in `chunk[start..end)`; returns `end`, or the position just after the value. */
  push(chunk: Uint8Array, start: number, end: number, base: number): number {
    const stop = this.#validator.push(chunk, start, end, base);
    const i = stop < 0 ? end : stop;
    this.#pieces.push(copyOf(chunk, start, i));
    this.#length += i - start;
    return i;
  }

  /** The whole value, joined into one new array (not from Node's shared Buffer pool); the pieces are let go. */
  take(): Uint8Array {
    const joined = new Uint8Array(this.#length);
    let at = 0;
    for (const piece of this.#pieces) {
      joined.set(piece, at);
      at += piece.length;
    }
    this.#pieces = [];
    return joined;
  }
}

/**
 * The value of a section heapdiff does not know, passed over whatever it is (after checking it
 * is JSON, without keeping it), so snapshots from newer V8 versions still load.
 */
export class SkippedValue implements SectionReader {
  readonly #validator: JsonValidator;

  constructor(key: string, file: string | undefined) {
    this.#validator = new JsonValidator(`the "${key}" section`, file);
  }

  get done(): boolean {
    return this.#validator.done;
  }

  push(chunk: Uint8Array, start: number, end: number, base: number): number {
    const stop = this.#validator.push(chunk, start, end, base);
    return stop < 0 ? end : stop;
  }

  describePosition(): undefined {
    return undefined;
  }
}
