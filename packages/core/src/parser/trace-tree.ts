import { SnapshotFormatError, SnapshotInconsistentError, SnapshotTooLargeError } from '../errors.js';
import { describeByte, isSpace, skipSpace } from './json-bytes.js';
import { inputLocation, type SectionReader } from './section-reader.js';

/**
 * The allocation trace tree (present when allocation tracking was on), flattened: one entry
 * per trace node, with its parent's position, so no object per trace node is kept.
 */
export interface TraceTree {
  /** Number of trace nodes. */
  readonly count: number;
  /** Trace node id (what a heap node's `trace_node_id` refers to). */
  readonly ids: Uint32Array;
  /** Index into `trace_function_infos` (in records, not values). */
  readonly functionInfoIndexes: Uint32Array;
  /** Live objects allocated here when the snapshot was taken, per V8. */
  readonly counts: Float64Array;
  readonly sizes: Float64Array;
  /** Position of the parent trace node in these arrays, -1 for the top. */
  readonly parents: Int32Array;
}

/**
 * The most trace nodes read (28 bytes each, 470 MB at most): far more than the distinct
 * allocation stacks of any real program, and a bound on what a hostile file can make heapdiff
 * allocate (the tree's size is declared nowhere).
 */
export const MAX_TRACE_NODES = 1 << 24;
const INITIAL_CAPACITY = 1024;

// Where the reader is, inside the nested arrays.
const BEFORE = 0;
/** After "[": a value or "]". */
const OPENED = 1;
/** After ",": a value. */
const EXPECT_VALUE = 2;
const IN_NUMBER = 3;
/** After a value: "," or "]". */
const AFTER_VALUE = 4;
const DONE = 5;

/**
 * The `trace_tree` section, `[id, fn, count, size, [children…], id, …]` with the field order
 * of `meta.trace_node_fields`, read as it streams past (nothing of the text is kept, so its
 * white space costs nothing) into flat arrays grown as trace nodes arrive. Iterative, so deep
 * trees cannot overflow the stack; strict JSON, so what it accepts `JSON.parse` reads alike.
 */
export class TraceTreeSection implements SectionReader {
  readonly #file: string | undefined;
  readonly #width: number;
  readonly #childrenAt: number;
  readonly #idAt: number;
  readonly #fnAt: number;
  readonly #countAt: number;
  readonly #sizeAt: number;
  #state = BEFORE;
  #depth = 0;
  /** Field position within the record being read. */
  #field = 0;
  /** The trace node whose fields are being read. */
  #current = -1;
  #value = 0;
  /** For each open children array, the trace node it belongs to. */
  #parentStack = new Int32Array(64);
  #capacity = INITIAL_CAPACITY;
  #ids = new Uint32Array(INITIAL_CAPACITY);
  #fns = new Uint32Array(INITIAL_CAPACITY);
  #counts = new Float64Array(INITIAL_CAPACITY);
  #sizes = new Float64Array(INITIAL_CAPACITY);
  #parents = new Int32Array(INITIAL_CAPACITY);
  #n = 0;
  #tree: TraceTree | undefined;

  /** Offset of the section's "[". */
  readonly offset: number;

  /** `offset` is the offset of the section's "["; `fields` is `meta.trace_node_fields`. */
  constructor(offset: number, fields: readonly string[], file: string | undefined) {
    this.offset = offset;
    this.#file = file;
    this.#width = fields.length;
    this.#childrenAt = fields.indexOf('children');
    this.#idAt = fields.indexOf('id');
    this.#fnAt = fields.indexOf('function_info_index');
    this.#countAt = fields.indexOf('count');
    this.#sizeAt = fields.indexOf('size');
  }

  get done(): boolean {
    return this.#state === DONE;
  }

  /** The tree, once read. */
  get tree(): TraceTree | undefined {
    return this.#tree;
  }

  push(chunk: Uint8Array, start: number, end: number, base: number): number {
    for (let i = start; i < end; i++) {
      if (this.#state !== IN_NUMBER && this.#state !== DONE) {
        // Runs of white space, however long, pass in one tight loop.
        i = skipSpace(chunk, i, end);
        if (i === end) break;
      }
      const c = chunk[i]!;
      switch (this.#state) {
        case IN_NUMBER:
          if (c >= 0x30 && c <= 0x39) {
            if (this.#value === 0) this.#fail('a number must not start with "0"', base + i);
            this.#value = this.#value * 10 + (c - 0x30);
            if (this.#value > Number.MAX_SAFE_INTEGER) this.#fail('a value does not fit below 2^53', base + i);
            continue;
          }
          this.#store(base + i);
          this.#state = AFTER_VALUE;
          // The byte that ended the number is read again, after it.
          i--;
          continue;
        case AFTER_VALUE:
          if (isSpace(c)) continue;
          if (c === 0x2c /* , */) this.#state = EXPECT_VALUE;
          else if (c === 0x5d /* ] */) this.#close(base + i);
          else this.#fail(`expected "," or "]", found ${describeByte(c)}`, base + i);
          if (this.done) return i + 1;
          continue;
        case OPENED:
        case EXPECT_VALUE:
          if (isSpace(c)) continue;
          if (c >= 0x30 && c <= 0x39) {
            if (this.#field === this.#childrenAt) this.#fail('expected the children array of a trace node, found a number', base + i);
            this.#value = c - 0x30;
            this.#state = IN_NUMBER;
          } else if (c === 0x5b /* [ */) {
            if (this.#field !== this.#childrenAt) this.#fail('a children array in the wrong place', base + i);
            this.#open(base + i);
          } else if (c === 0x5d /* ] */ && this.#state === OPENED) {
            this.#close(base + i);
            if (this.done) return i + 1;
          } else {
            this.#fail(c === 0x5d ? 'a "," before "]"' : `expected a non-negative integer, found ${describeByte(c)}`, base + i);
          }
          continue;
        case BEFORE:
          // The section reader starts at the "[" itself.
          if (this.#childrenAt < 0 || this.#idAt < 0 || this.#fnAt < 0) {
            this.#fail('meta.trace_node_fields needs "id", "function_info_index" and "children"', base + i);
          }
          this.#depth = 1;
          this.#state = OPENED;
          continue;
        case DONE:
          return i;
      }
    }
    return end;
  }

  describePosition(): string {
    return `inside "trace_tree" after ${this.#n} trace nodes`;
  }

  /** A children array opens, for the trace node being read. */
  #open(offset: number): void {
    if (this.#field === 0) this.#beginRecord(offset);
    if (this.#depth - 1 === this.#parentStack.length) {
      const grown = new Int32Array(this.#parentStack.length * 2);
      grown.set(this.#parentStack);
      this.#parentStack = grown;
    }
    this.#parentStack[this.#depth - 1] = this.#current;
    this.#depth++;
    this.#field = 0;
    this.#state = OPENED;
  }

  /** An array closes: the top list (the tree is read) or a children array. */
  #close(offset: number): void {
    if (this.#field !== 0) this.#fail('a trace node with missing fields', offset);
    this.#depth--;
    if (this.#depth === 0) {
      this.#finish();
      return;
    }
    this.#current = this.#parentStack[this.#depth - 1]!;
    this.#field = this.#childrenAt + 1 === this.#width ? 0 : this.#childrenAt + 1;
    this.#state = AFTER_VALUE;
  }

  /** The number just read is field `#field` of a trace node (the first field starts a new one). */
  #store(offset: number): void {
    const value = this.#value;
    const field = this.#field;
    if (field === 0) this.#beginRecord(offset);
    const current = this.#current;
    if ((field === this.#idAt || field === this.#fnAt) && value > 0xffffffff) this.#fail('a trace node id or function index does not fit below 2^32', offset);
    if (field === this.#idAt) this.#ids[current] = value;
    else if (field === this.#fnAt) this.#fns[current] = value;
    else if (field === this.#countAt) this.#counts[current] = value;
    else if (field === this.#sizeAt) this.#sizes[current] = value;
    this.#field = field + 1 === this.#width ? 0 : field + 1;
  }

  /** A trace node starts (at its first field), under the one whose children array is open. */
  #beginRecord(offset: number): void {
    if (this.#n === this.#capacity) this.#grow(offset);
    const current = this.#n++;
    this.#current = current;
    this.#parents[current] = this.#depth > 1 ? this.#parentStack[this.#depth - 2]! : -1;
  }

  #grow(offset: number): void {
    if (this.#capacity >= MAX_TRACE_NODES) {
      throw new SnapshotTooLargeError(`"trace_tree" holds more than ${MAX_TRACE_NODES} trace nodes, more than heapdiff reads`, inputLocation(this.#file, offset));
    }
    const capacity = Math.min(MAX_TRACE_NODES, this.#capacity * 2);
    const resize = <T extends Uint32Array | Float64Array | Int32Array>(old: T, make: (size: number) => T): T => {
      const next = make(capacity);
      next.set(old as never);
      return next;
    };
    this.#ids = resize(this.#ids, (s) => new Uint32Array(s));
    this.#fns = resize(this.#fns, (s) => new Uint32Array(s));
    this.#counts = resize(this.#counts, (s) => new Float64Array(s));
    this.#sizes = resize(this.#sizes, (s) => new Float64Array(s));
    this.#parents = resize(this.#parents, (s) => new Int32Array(s));
    this.#capacity = capacity;
  }

  #finish(): void {
    const n = this.#n;
    // Exact-size copies: the growth slack would otherwise stay resident.
    const fit = <T extends Uint32Array | Float64Array | Int32Array>(array: T): T => (n === array.length ? array : (array.slice(0, n) as T));
    this.#tree = {
      count: n,
      ids: fit(this.#ids),
      functionInfoIndexes: fit(this.#fns),
      counts: fit(this.#counts),
      sizes: fit(this.#sizes),
      parents: fit(this.#parents),
    };
    this.#state = DONE;
  }

  #fail(message: string, offset: number): never {
    throw new SnapshotFormatError(`trace_tree: ${message}`, inputLocation(this.#file, offset));
  }
}

/**
 * Checks what the allocation-tracking functions refer to, so that reading a stack later cannot
 * fail: `trace_function_infos` is whole records of `meta.trace_function_info_fields`, and every
 * function's name and script name is in the strings. A trace node may name a function past
 * them: V8 adds the functions that run while it writes the snapshot (allocation tracking on)
 * after it wrote that section; such a frame reads as unknown (`allocationStackReader`).
 */
export function checkTraceReferences(
  infos: Uint32Array,
  infoFields: readonly string[],
  stringCount: number,
  where: { file: string | undefined; infosOffset: number | undefined },
): void {
  const width = infoFields.length;
  const infosAt = where.infosOffset === undefined ? {} : inputLocation(where.file, where.infosOffset);
  if (infos.length > 0 && (width === 0 || infos.length % width !== 0)) {
    throw new SnapshotInconsistentError(`"trace_function_infos" holds ${infos.length} values, not whole records of the ${width} fields meta.trace_function_info_fields lists`, infosAt);
  }
  const records = width === 0 ? 0 : infos.length / width;
  for (const name of ['name', 'script_name']) {
    const at = infoFields.indexOf(name);
    if (at < 0) continue;
    for (let r = 0; r < records; r++) {
      const index = infos[r * width + at]!;
      if (index >= stringCount) {
        throw new SnapshotInconsistentError(`trace function #${r} has ${name} string ${index}, but the strings table has only ${stringCount} entries`, infosAt);
      }
    }
  }
}
