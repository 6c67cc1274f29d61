import { SnapshotFormatError, type InputLocation } from '../errors.js';
import { inputLocation, type SectionReader } from './section-reader.js';
import { ValueCollector } from './value-scanner.js';

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
 * Parses the bytes of the `trace_tree` array: `[id, fn, count, size, [children…], id, …]`,
 * field order from `meta.trace_node_fields`. Iterative, so deep trees cannot overflow the stack.
 */
export function parseTraceTree(bytes: Uint8Array, fields: readonly string[], where: InputLocation): TraceTree {
  const width = fields.length;
  const childrenAt = fields.indexOf('children');
  const idAt = fields.indexOf('id');
  const fnAt = fields.indexOf('function_info_index');
  const countAt = fields.indexOf('count');
  const sizeAt = fields.indexOf('size');
  const base = where.offset ?? 0;
  const fail = (message: string, at: number): never => {
    throw new SnapshotFormatError(`trace_tree: ${message}`, { ...where, offset: base + at });
  };
  if (childrenAt < 0 || idAt < 0 || fnAt < 0) fail('meta.trace_node_fields needs "id", "function_info_index" and "children"', 0);

  let capacity = 1024;
  let ids = new Uint32Array(capacity);
  let fns = new Uint32Array(capacity);
  let counts = new Float64Array(capacity);
  let sizes = new Float64Array(capacity);
  let parents = new Int32Array(capacity);
  let n = 0;
  const grow = (): void => {
    capacity *= 2;
    const resize = <T extends Uint32Array | Float64Array | Int32Array>(old: T, make: (size: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    ids = resize(ids, (s) => new Uint32Array(s));
    fns = resize(fns, (s) => new Uint32Array(s));
    counts = resize(counts, (s) => new Float64Array(s));
    sizes = resize(sizes, (s) => new Float64Array(s));
    parents = resize(parents, (s) => new Int32Array(s));
  };

  // Each open array is either the top list or a children list of the trace node on the stack.
  const parentStack: number[] = [];
  let field = 0; // field position within the current record
  let current = -1; // trace node whose fields are being read
  let value = -1;
  let depth = 0;
  const store = (at: number): void => {
    if (value < 0) fail('expected a number', at);
    if (field === 0) {
      if (n === capacity) grow();
      current = n++;
      parents[current] = parentStack.length ? parentStack[parentStack.length - 1]! : -1;
    }
    if (field === idAt) ids[current] = value;
    else if (field === fnAt) fns[current] = value;
    else if (field === countAt) counts[current] = value;
    else if (field === sizeAt) sizes[current] = value;
    field++;
    value = -1;
  };
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c >= 48 && c <= 57) {
      value = (value < 0 ? 0 : value * 10) + (c - 48);
    } else if (c === 0x2c /* , */) {
      if (value >= 0) store(i);
      else if (bytes[i - 1] !== 0x5d /* ] */) fail('unexpected ","', i);
    } else if (c === 0x5b /* [ */) {
      if (depth > 0) {
        if (field !== childrenAt) fail('a children array in the wrong place', i);
        parentStack.push(current);
        field = 0;
      }
      depth++;
    } else if (c === 0x5d /* ] */) {
      if (value >= 0) store(i);
      if (field !== 0 && field !== width) fail('a trace node with missing fields', i);
      depth--;
      if (depth > 0) {
        current = parentStack.pop()!;
        field = childrenAt + 1;
      }
    } else if (c !== 32 && c !== 10 && c !== 13 && c !== 9) {
      fail(`unexpected character ${JSON.stringify(String.fromCharCode(c))}`, i);
    }
    if (field === width) field = 0;
  }
  if (depth !== 0) fail('unbalanced brackets', bytes.length);
  return {
    count: n,
    ids: ids.subarray(0, n),
    functionInfoIndexes: fns.subarray(0, n),
    counts: counts.subarray(0, n),
    sizes: sizes.subarray(0, n),
    parents: parents.subarray(0, n),
  };
}

/** The `trace_tree` section: small, so collected whole, then flattened by {@link parseTraceTree}. */
export class TraceTreeSection implements SectionReader {
  readonly #bytes = new ValueCollector();
  readonly #fields: readonly string[];
  /** Where errors about the tree count from: its opening "[". */
  readonly #where: InputLocation;
  #tree: TraceTree | undefined;

  /** `start` is the offset of the tree's "["; `fields` is `meta.trace_node_fields`. */
  constructor(start: number, fields: readonly string[], file: string | undefined) {
    this.#fields = fields;
    this.#where = inputLocation(file, start);
  }

  get done(): boolean {
    return this.#bytes.done;
  }

  /** The tree, once read. */
  get tree(): TraceTree | undefined {
    return this.#tree;
  }

  push(chunk: Uint8Array, start: number, end: number): number {
    const i = this.#bytes.push(chunk, start, end);
    if (this.#bytes.done) this.#tree = parseTraceTree(this.#bytes.take(), this.#fields, this.#where);
    return i;
  }

  describePosition(): string {
    return 'inside "trace_tree"';
  }
}
