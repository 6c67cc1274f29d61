import { copyOf, isSpace } from './json-bytes.js';
import type { SectionReader } from './section-reader.js';

/**
 * Finds where one JSON value (an object, an array or a string) ends, across chunks, by
 * tracking nesting and strings. It does not check the value: whoever reads it does.
 */
export class ValueScanner {
  #depth = 0;
  #inString = false;
  #escape = false;

  /** Advances over `chunk[start..end)`: the position just after the value, or -1 if the chunk ended first. */
  scan(chunk: Uint8Array, start: number, end: number): number {
    for (let i = start; i < end; i++) {
      const c = chunk[i]!;
      if (this.#inString) {
        if (this.#escape) this.#escape = false;
        else if (c === 0x5c /* \ */) this.#escape = true;
        else if (c === 0x22 /* " */) {
          this.#inString = false;
          if (this.#depth === 0) return i + 1;
        }
      } else if (c === 0x22 /* " */) this.#inString = true;
      else if (c === 0x7b /* { */ || c === 0x5b /* [ */) this.#depth++;
      else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
        if (--this.#depth === 0) return i + 1;
      }
    }
    return -1;
  }
}

/** Keeps the bytes of one small JSON value (the header, `trace_tree`) that may span chunks. */
export class ValueCollector {
  readonly #scanner = new ValueScanner();
  #pieces: Uint8Array[] = [];
  #length = 0;
  #done = false;

  get done(): boolean {
    return this.#done;
  }

  /** Bytes kept so far. */
  get length(): number {
    return this.#length;
  }

  /** Keeps the value's bytes in `chunk[start..end)`; returns `end`, or the position just after the value. */
  push(chunk: Uint8Array, start: number, end: number): number {
    const stop = this.#scanner.scan(chunk, start, end);
    const i = stop < 0 ? end : stop;
    this.#pieces.push(copyOf(chunk, start, i));
    this.#length += i - start;
    if (stop >= 0) this.#done = true;
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
 * The value of a section heapdiff does not know, passed over whatever it is, so snapshots
 * from newer V8 versions still load. A scalar ends before the next "," "}" or white space.
 */
export class SkippedValue implements SectionReader {
  readonly #scalar: boolean;
  readonly #scanner = new ValueScanner();
  #done = false;

  /** `first` is the value's first byte. */
  constructor(first: number) {
    this.#scalar = first !== 0x7b /* { */ && first !== 0x5b /* [ */ && first !== 0x22 /* " */;
  }

  get done(): boolean {
    return this.#done;
  }

  push(chunk: Uint8Array, start: number, end: number): number {
    if (this.#scalar) {
      for (let i = start; i < end; i++) {
        const c = chunk[i]!;
        if (c === 0x2c /* , */ || c === 0x7d /* } */ || isSpace(c)) {
          this.#done = true;
          return i;
        }
      }
      return end;
    }
    const stop = this.#scanner.scan(chunk, start, end);
    if (stop < 0) return end;
    this.#done = true;
    return stop;
  }

  describePosition(): undefined {
    return undefined;
  }
}
