import { isUtf8 } from 'node:buffer';
import {
  SnapshotEncodingError,
  SnapshotFormatError,
  SnapshotInconsistentError,
  SnapshotTooLargeError,
  SnapshotTruncatedError,
  type InputLocation,
} from '../errors.js';
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
} from '../kernels/number-tokenizer.js';
import type { PlaceResult, RecordSpec } from '../kernels/place-records.js';
import type { HeapWorkerPool } from '../workers/heap-worker-pool.js';
import type { TokenizeReply } from '../workers/worker-jobs.js';
import { SLAB_BYTES, SLAB_RESERVE, SlabPool, type Slab } from './slab-pool.js';
import { readSnapshotHeader, type SnapshotHeader } from './snapshot-layout.js';
import { StringTable } from './string-table.js';
import { parseTraceTree, type TraceTree } from './trace-tree.js';

/** The raw content of a snapshot, before the graph indexes are built. */
export interface ParsedSnapshot {
  readonly header: SnapshotHeader;
  /** `node_count × node_fields` values, as in the file. */
  readonly nodes: Uint32Array;
  /** `edge_count × edge_fields` values, as in the file (`to_node` is still a node index). */
  readonly edges: Uint32Array;
  readonly strings: StringTable;
  readonly locations: Uint32Array;
  readonly traceFunctionInfos: Uint32Array;
  readonly traceTree: TraceTree | undefined;
  readonly samples: Float64Array;
  /** Lets a later check turn "value #k of section S" back into a byte offset. */
  readonly checkpoints: SectionCheckpoints;
  /** Sections whose records workers already checked (and, for edges, converted to ordinals). */
  readonly prechecked: ReadonlyMap<string, PrecheckedSection>;
}

/** What the parse workers found while placing a section's values. */
export interface PrecheckedSection {
  /** Largest string index a checked record names, -1 if none. */
  maxName: number;
  /** Records cut between two jobs, left unchecked (and unconverted) for the caller. */
  uncheckedRecords: number[];
  /** The first bad field found, by value index, with `BAD_TYPE` or `BAD_TO_NODE`. */
  bad: { valueIndex: number; kind: number } | undefined;
}

/** For each numeric section: at byte offset `offsets[i]`, value number `values[i]` began. */
export type SectionCheckpoints = Map<string, { values: number[]; offsets: number[] }>;

export interface SnapshotParserOptions {
  file?: string;
  /** Total size of the text when known up front (uncompressed files): lets arrays be sized once. */
  totalBytes?: number;
  /**
   * Supplies worker threads for big `nodes` and `edges` sections (called at most once, on the
   * first section with at least `parallelMinValues` values). Without it, all parsing is inline.
   */
  getPool?: () => HeapWorkerPool;
  /** Where chunks read straight into shared memory come from (see `SlabPool.acquireChunk`). */
  slabs?: SlabPool;
  /** Sections with fewer values than this are parsed inline. Default 4 Mi values. */
  parallelMinValues?: number;
}

const enum Mode {
  Start,
  ExpectKey,
  Key,
  ExpectColon,
  ExpectValue,
  AfterValue,
  Header,
  Numbers,
  Strings,
  TraceTree,
  Skip,
  Done,
}

const HEADER_LIMIT = 16 * 1024 * 1024;
const KEY_LIMIT = 256;
const NUMERIC_SECTIONS = new Set(['nodes', 'edges', 'locations', 'trace_function_infos', 'samples']);
const INITIAL_CAPACITY = 1 << 16;

type NumericArray = Uint32Array | Float64Array;

interface NumericTarget {
  key: string;
  out: NumericArray;
  /** The most values the section may hold (from the header), or Infinity. */
  limit: number;
  float: boolean;
  /** Values merged so far (parallel sections only; inline sections count in the tokenizer state). */
  count: number;
}

/** A section being parsed by workers: the bytes after its last comma wait here for the next chunk. */
interface ParallelSection {
  target: NumericTarget;
  carry: Uint8Array;
  carryOffset: number;
  /** The carry is the bytes right before the current position of the current chunk. */
  carryInChunk: boolean;
  first: boolean;
}

type JobOutcome = { ok: true; result: TokenizeReply } | { ok: false; error: unknown };

interface QueuedJob {
  outcome: Promise<JobOutcome>;
  slab: Slab;
  output: SharedArrayBuffer;
  section: ParallelSection;
  target: NumericTarget;
  /** Byte offset of the job's first byte (its carry, if any) in the input. */
  offset: number;
  final: boolean;
}

const EMPTY = new Uint8Array(0);

/** Joins byte pieces into one new array (not from Node's shared Buffer pool). */
function concatBytes(pieces: readonly Uint8Array[], length: number): Uint8Array {
  const joined = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    joined.set(piece, at);
    at += piece.length;
  }
  return joined;
}

const utf8 = new TextDecoder('utf-8');

/** A copy of `bytes[from..to)` that owns its memory (Buffer#slice would only make a view). */
function copyOf(bytes: Uint8Array, from: number, to: number): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes, from, to);
}
const CARRY_LIMIT = 64 * 1024;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function describeByte(c: number): string {
  if (c >= 0x20 && c < 0x7f) return JSON.stringify(String.fromCharCode(c));
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/**
 * A push parser for the `.heapsnapshot` JSON text. It works on bytes and never builds a string
 * from more than the small header, so input size is bounded only by typed-array limits.
 *
 * @example
 * const parser = new SnapshotParser({ file })
 * for await (const chunk of stream) parser.push(chunk)
 * const parsed = parser.finish()
 */
export class SnapshotParser {
  readonly #file: string | undefined;
  readonly #totalBytes: number | undefined;
  #mode = Mode.Start;
  /** Bytes consumed before the current chunk. */
  #base = 0;

  #key = '';
  #keyBytes: number[] = [];
  readonly #seen = new Set<string>();

  #header: SnapshotHeader | undefined;
  #headerBytes: Uint8Array[] = [];
  #headerLength = 0;
  #headerStart = 0;
  #depth = 0;
  #inString = false;
  #escape = false;

  #numeric: NumericTarget | undefined;
  readonly #state = createTokenizerState();
  readonly #results = new Map<string, NumericArray>();
  readonly #checkpoints: SectionCheckpoints = new Map();

  // strings
  #stringBytes = new Uint8Array(0);
  #stringLength = 0;
  #stringOffsets = new Uint32Array(0);
  #stringCount = 0;
  /** 0 opened, 1 after comma, 2 inside a string, 3 after a string. */
  #stringPhase = 0;
  /** 0 none, 1 after backslash, 2..5 reading the hex digits of \uXXXX. */
  #stringEscape = 0;
  #stringHighBits = 0;
  #stringStartOffset = 0;
  #stringsDone = false;

  #traceTreeBytes: Uint8Array[] = [];
  #traceTreeLength = 0;
  #traceTreeStart = 0;
  #traceTree: TraceTree | undefined;

  // generic value skipping
  #skipScalar = false;

  // parallel numeric sections
  readonly #getPool: (() => HeapWorkerPool) | undefined;
  #pool: HeapWorkerPool | undefined;
  readonly #parallelMinValues: number;
  #parallel: ParallelSection | undefined;
  readonly #jobs: QueuedJob[] = [];
  readonly #slabs: SlabPool;
  /** Copies into the destination arrays, done by workers, not yet finished. */
  readonly #copies: Promise<unknown>[] = [];
  readonly #prechecked = new Map<string, PrecheckedSection>();

  constructor(options: SnapshotParserOptions = {}) {
    this.#file = options.file;
    this.#totalBytes = options.totalBytes;
    this.#getPool = options.getPool;
    this.#parallelMinValues = options.parallelMinValues ?? 4 * 1024 * 1024;
    this.#slabs = options.slabs ?? new SlabPool();
  }

  /** Worker jobs submitted and not yet merged. */
  get pendingJobs(): number {
    return this.#jobs.length;
  }

  /** Merges finished worker jobs, in order, until at most `max` remain pending. */
  async settle(max = 0): Promise<void> {
    while (this.#jobs.length > max) await this.#mergeHead();
    if (max === 0) await Promise.all(this.#copies.splice(0));
  }

  /** Bytes consumed so far. */
  get bytesParsed(): number {
    return this.#base;
  }

  #where(offset: number): InputLocation {
    return this.#file === undefined ? { offset } : { offset, file: this.#file };
  }

  #formatError(message: string, offset: number): never {
    throw new SnapshotFormatError(message, this.#where(offset));
  }

  /** Feeds the next chunk of the snapshot text. */
  push(chunk: Uint8Array): void {
    let i = 0;
    const end = chunk.length;
    while (i < end) {
      switch (this.#mode) {
        case Mode.Numbers:
          i = this.#parallel ? this.#numbersParallel(chunk, i, end) : this.#numbers(chunk, i, end);
          break;
        case Mode.Strings:
          i = this.#strings(chunk, i, end);
          break;
        case Mode.Header:
          i = this.#headerBody(chunk, i, end);
          break;
        case Mode.TraceTree:
          i = this.#traceTreeBody(chunk, i, end);
          break;
        case Mode.Skip:
          i = this.#skip(chunk, i, end);
          break;
        default:
          i = this.#structure(chunk, i, end);
      }
    }
    this.#base += end;
  }

  /** Call once the input has ended: checks completeness and returns the parsed content. */
  async finish(): Promise<ParsedSnapshot> {
    await this.settle(0);
    const at = this.#base;
    if (this.#mode === Mode.Start) {
      const what = at === 0 ? 'the input is empty' : 'the input holds only white space';
      throw new SnapshotTruncatedError(`${what}; a .heapsnapshot file starts with {"snapshot":`, this.#where(at));
    }
    if (this.#mode !== Mode.Done) {
      this.#truncated(`the snapshot ends early, ${this.#describePosition()}`, at);
    }
    const header = this.#header;
    if (!header) this.#formatError('the input is JSON but has no "snapshot" header; is this a V8 heap snapshot?', 0);
    for (const key of ['nodes', 'edges', 'strings']) {
      if (!this.#seen.has(key)) this.#formatError(`the snapshot has no "${key}" array`, at);
    }
    const nodes = this.#results.get('nodes') as Uint32Array;
    const edges = this.#results.get('edges') as Uint32Array;
    return {
      header,
      nodes,
      edges,
      // Exact-size copies: the growth slack of both buffers would otherwise stay resident.
      strings: new StringTable(
        this.#stringBytes.length - this.#stringLength > 1 << 20 ? this.#stringBytes.slice(0, this.#stringLength) : this.#stringBytes.subarray(0, this.#stringLength),
        this.#stringOffsets.slice(0, this.#stringCount + 1),
        this.#stringCount,
      ),
      locations: (this.#results.get('locations') as Uint32Array | undefined) ?? new Uint32Array(0),
      traceFunctionInfos: (this.#results.get('trace_function_infos') as Uint32Array | undefined) ?? new Uint32Array(0),
      traceTree: this.#traceTree,
      samples: (this.#results.get('samples') as Float64Array | undefined) ?? new Float64Array(0),
      checkpoints: this.#checkpoints,
      prechecked: this.#prechecked,
    };
  }

  #truncated(message: string, offset: number): never {
    throw new SnapshotTruncatedError(`${message}; the file is incomplete (an interrupted write or download?)`, this.#where(offset));
  }

  #describePosition(): string {
    switch (this.#mode) {
      case Mode.Header:
        return 'inside the "snapshot" header';
      case Mode.Numbers: {
        const target = this.#numeric!;
        const got = this.#parallel ? target.count : this.#state[STATE_COUNT]!;
        const expected = Number.isFinite(target.limit) ? ` of ${target.limit}` : '';
        return `inside "${target.key}" after ${got}${expected} values`;
      }
      case Mode.Strings:
        return `inside "strings" after ${this.#stringCount} strings`;
      case Mode.TraceTree:
        return 'inside "trace_tree"';
      default:
        return this.#key ? `after "${this.#key}"` : 'before the first section';
    }
  }

  // ---- top-level structure: { "key": value, ... } ----

  #structure(chunk: Uint8Array, start: number, end: number): number {
    for (let i = start; i < end; i++) {
      const c = chunk[i]!;
      switch (this.#mode) {
        case Mode.Start:
          if (isSpace(c)) continue;
          if (c === 0x7b) {
            this.#mode = Mode.ExpectKey;
            continue;
          }
          if (c === 0x1f && this.#base + i === 0) {
            this.#formatError('the input is gzip-compressed but was not inflated', 0);
          }
          this.#formatError(
            `expected "{" at the start of a heap snapshot, found ${describeByte(c)}; is this a .heapsnapshot file?`,
            this.#base + i,
          );
        case Mode.ExpectKey:
          if (isSpace(c)) continue;
          if (c === 0x22) {
            this.#keyBytes = [];
            this.#mode = Mode.Key;
            continue;
          }
          if (c === 0x7d && this.#seen.size === 0) {
            this.#mode = Mode.Done;
            continue;
          }
          this.#formatError(`expected a section name in quotes, found ${describeByte(c)}`, this.#base + i);
        case Mode.Key:
          if (c === 0x22) {
            this.#key = String.fromCharCode(...this.#keyBytes);
            if (this.#seen.has(this.#key)) this.#formatError(`the section "${this.#key}" appears twice`, this.#base + i);
            this.#seen.add(this.#key);
            this.#mode = Mode.ExpectColon;
            continue;
          }
          if (this.#keyBytes.length >= KEY_LIMIT) this.#formatError('a section name is implausibly long', this.#base + i);
          this.#keyBytes.push(c);
          continue;
        case Mode.ExpectColon:
          if (isSpace(c)) continue;
          if (c === 0x3a) {
            this.#mode = Mode.ExpectValue;
            continue;
          }
          this.#formatError(`expected ":" after "${this.#key}", found ${describeByte(c)}`, this.#base + i);
        case Mode.ExpectValue:
          if (isSpace(c)) continue;
          return this.#beginValue(c, i);
        case Mode.AfterValue:
          if (isSpace(c)) continue;
          if (c === 0x2c) {
            this.#mode = Mode.ExpectKey;
            continue;
          }
          if (c === 0x7d) {
            this.#mode = Mode.Done;
            continue;
          }
          this.#formatError(`expected "," or "}" after the "${this.#key}" section, found ${describeByte(c)}`, this.#base + i);
        case Mode.Done:
          if (isSpace(c)) continue;
          this.#formatError(`unexpected ${describeByte(c)} after the end of the snapshot`, this.#base + i);
        default:
          return i;
      }
    }
    return end;
  }

  #beginValue(c: number, i: number): number {
    const key = this.#key;
    const offset = this.#base + i;
    if (key === 'snapshot') {
      if (c !== 0x7b) this.#formatError(`"snapshot" must be an object, found ${describeByte(c)}`, offset);
      this.#mode = Mode.Header;
      this.#headerStart = offset;
      this.#headerBytes = [];
      this.#headerLength = 0;
      this.#depth = 0;
      this.#inString = false;
      this.#escape = false;
      return i;
    }
    const isKnownArray = NUMERIC_SECTIONS.has(key) || key === 'strings' || key === 'trace_tree';
    if (isKnownArray && c !== 0x5b) this.#formatError(`"${key}" must be an array, found ${describeByte(c)}`, offset);
    if (isKnownArray && !this.#header) {
      this.#formatError(`"${key}" comes before the "snapshot" header; heapdiff needs the header first`, offset);
    }
    if (NUMERIC_SECTIONS.has(key)) {
      this.#beginNumbers(key, offset);
      this.#mode = Mode.Numbers;
      return i + 1;
    }
    if (key === 'strings') {
      this.#beginStrings(offset);
      this.#mode = Mode.Strings;
      return i + 1;
    }
    if (key === 'trace_tree') {
      this.#mode = Mode.TraceTree;
      this.#traceTreeStart = offset;
      this.#traceTreeBytes = [];
      this.#traceTreeLength = 0;
      this.#depth = 0;
      this.#inString = false;
      this.#escape = false;
      return i;
    }
    // An unknown section: skip its value, whatever it is, so newer V8 versions still load.
    this.#mode = Mode.Skip;
    this.#depth = 0;
    this.#inString = false;
    this.#escape = false;
    this.#skipScalar = c !== 0x7b && c !== 0x5b && c !== 0x22;
    return i;
  }

  // ---- the "snapshot" header: small, collected and handed to JSON.parse ----

  /**
   * Advances over one JSON value (an object, an array or a string) across chunks, tracking
   * nesting and strings. Returns the position just after the value, or -1 if the chunk ended
   * first.
   */
  #scanValue(chunk: Uint8Array, start: number, end: number): number {
    for (let i = start; i < end; i++) {
      const c = chunk[i]!;
      if (this.#inString) {
        if (this.#escape) this.#escape = false;
        else if (c === 0x5c) this.#escape = true;
        else if (c === 0x22) {
          this.#inString = false;
          if (this.#depth === 0) return i + 1;
        }
      } else if (c === 0x22) this.#inString = true;
      else if (c === 0x7b || c === 0x5b) this.#depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (--this.#depth === 0) return i + 1;
      }
    }
    return -1;
  }

  #headerBody(chunk: Uint8Array, start: number, end: number): number {
    const stop = this.#scanValue(chunk, start, end);
    const i = stop < 0 ? end : stop;
    this.#headerBytes.push(copyOf(chunk, start, i));
    this.#headerLength += i - start;
    if (this.#headerLength > HEADER_LIMIT) {
      this.#formatError(`the "snapshot" header is larger than ${HEADER_LIMIT} bytes; this is not a V8 heap snapshot`, this.#headerStart);
    }
    if (stop >= 0) this.#finishHeader();
    return i;
  }

  #finishHeader(): void {
    const text = utf8.decode(concatBytes(this.#headerBytes, this.#headerLength));
    this.#headerBytes = [];
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (cause) {
      throw new SnapshotFormatError(`the "snapshot" header is not valid JSON: ${(cause as Error).message}`, this.#where(this.#headerStart), { cause });
    }
    this.#header = readSnapshotHeader(raw, this.#where(this.#headerStart));
    const { layout, nodeCount, edgeCount } = this.#header;
    // Every value takes at least two bytes ("0,"): a header claiming more than the input can hold is refused now.
    if (this.#totalBytes !== undefined) {
      const minimum = 2 * (nodeCount * layout.nodeFieldCount + edgeCount * layout.edgeFieldCount);
      if (minimum > this.#totalBytes) {
        throw new SnapshotTruncatedError(
          `the header declares ${nodeCount} nodes and ${edgeCount} edges, which need at least ${minimum} bytes, but the file has only ${this.#totalBytes}: it is truncated or its header is wrong`,
          this.#where(this.#headerStart),
        );
      }
    }
    this.#mode = Mode.AfterValue;
  }

  // ---- numeric sections ----

  #beginNumbers(key: string, offset: number): void {
    const header = this.#header!;
    let limit = Infinity;
    if (key === 'nodes') limit = header.nodeCount * header.layout.nodeFieldCount;
    else if (key === 'edges') limit = header.edgeCount * header.layout.edgeFieldCount;
    const float = key === 'samples';
    // Trust the header's counts for the allocation only when the input size backs them up.
    const trusted = this.#totalBytes !== undefined && Number.isFinite(limit);
    const capacity = trusted ? limit : Math.min(limit, INITIAL_CAPACITY);
    this.#numeric = { key, limit, float, count: 0, out: float ? new Float64Array(capacity) : new Uint32Array(capacity) };
    this.#state.fill(0);
    this.#state[1] = 3;
    this.#checkpoints.set(key, { values: [0], offsets: [offset + 1] });
    if (this.#getPool && !float && (key === 'nodes' || key === 'edges') && limit >= this.#parallelMinValues) {
      this.#pool ??= this.#getPool();
      // Workers copy their values straight into the result, so it lives in shared memory.
      const shared = new Uint32Array(new SharedArrayBuffer(capacity * 4));
      this.#numeric.out = shared;
      this.#parallel = { target: this.#numeric, carry: EMPTY, carryOffset: offset + 1, carryInChunk: false, first: true };
      this.#prechecked.set(key, { maxName: -1, uncheckedRecords: [], bad: undefined });
    }
  }

  // ---- numeric sections on worker threads ----

  /**
   * Cuts the chunk after its last comma (or after the closing "]") and hands each stretch,
   * with the bytes carried over before it, to a worker. Results merge in order later.
   */
  #numbersParallel(chunk: Uint8Array, start: number, end: number): number {
    const section = this.#parallel!;
    section.carryInChunk = false;
    // Found once per chunk; stretches never reach past it.
    const close = chunk.indexOf(0x5d, start);
    let i = start;
    while (i < end) {
      const pieceEnd = Math.min(end, i + SLAB_BYTES - section.carry.length);
      if (close !== -1 && close < pieceEnd) {
        this.#submit(section, chunk, i, close + 1, true);
        this.#parallel = undefined;
        this.#numeric = undefined;
        this.#mode = Mode.AfterValue;
        return close + 1;
      }
      const lastComma = chunk.lastIndexOf(0x2c, pieceEnd - 1);
      if (lastComma < i) {
        if (section.carry.length + pieceEnd - i > CARRY_LIMIT) {
          this.#formatError(`"${section.target.key}" has a run of more than ${CARRY_LIMIT} bytes without a comma`, this.#base + i);
        }
        const carry = new Uint8Array(section.carry.length + pieceEnd - i);
        carry.set(section.carry);
        carry.set(chunk.subarray(i, pieceEnd), section.carry.length);
        if (section.carry.length === 0) section.carryOffset = this.#base + i;
        section.carry = carry;
        section.carryInChunk = false;
        i = pieceEnd;
        continue;
      }
      this.#submit(section, chunk, i, lastComma + 1, false);
      section.carry = copyOf(chunk, lastComma + 1, pieceEnd);
      section.carryOffset = this.#base + lastComma + 1;
      section.carryInChunk = true;
      i = pieceEnd;
    }
    return end;
  }

  /**
   * Queues `carry + chunk[from..to)` for a worker. When the chunk was read into a slab the
   * bytes are used in place (the carry goes into the reserve just before them); otherwise
   * they are copied into a fresh slab.
   */
  #submit(section: ParallelSection, chunk: Uint8Array, from: number, to: number, final: boolean): void {
    const carryLength = section.carry.length;
    const owner = this.#slabs.slabOf(chunk);
    let slab: Slab;
    let jobStart: number;
    if (owner && (section.carryInChunk || carryLength === 0 || (from === 0 && chunk.byteOffset >= carryLength))) {
      slab = owner;
      this.#slabs.retain(slab);
      jobStart = chunk.byteOffset + from - carryLength;
      if (!section.carryInChunk && carryLength > 0) new Uint8Array(slab.input).set(section.carry, jobStart);
    } else {
      slab = this.#slabs.acquire();
      jobStart = SLAB_RESERVE;
      const input = new Uint8Array(slab.input);
      input.set(section.carry, jobStart);
      input.set(chunk.subarray(from, to), jobStart + carryLength);
    }
    const offset = carryLength > 0 ? section.carryOffset : this.#base + from;
    const output = this.#slabs.acquireOutput();
    const job = { kind: 'tokenize', input: slab.input, output, start: jobStart, length: carryLength + to - from, phase: section.first ? 3 : 0 } as const;
    const outcome = this.#pool!.run(job).then(
      (result): JobOutcome => ({ ok: true, result }),
      (error: unknown): JobOutcome => ({ ok: false, error }),
    );
    section.first = false;
    section.carry = EMPTY;
    section.carryInChunk = false;
    this.#jobs.push({ outcome, slab, output, section, target: section.target, offset, final });
  }

  #recordSpec(key: string): RecordSpec {
    const { layout, nodeCount } = this.#header!;
    if (key === 'nodes') {
      return {
        fieldCount: layout.nodeFieldCount,
        typeOffset: layout.nodeTypeOffset,
        nameOffset: layout.nodeNameOffset,
        toNodeOffset: -1,
        typeCount: layout.nodeTypes.length,
        nodeFieldCount: layout.nodeFieldCount,
        nodesLength: nodeCount * layout.nodeFieldCount,
        stringNamed: layout.nodeTypes.map(() => 1),
      };
    }
    return {
      fieldCount: layout.edgeFieldCount,
      typeOffset: layout.edgeTypeOffset,
      nameOffset: layout.edgeNameOffset,
      toNodeOffset: layout.edgeToNodeOffset,
      typeCount: layout.edgeTypes.length,
      nodeFieldCount: layout.nodeFieldCount,
      nodesLength: nodeCount * layout.nodeFieldCount,
      stringNamed: layout.edgeTypes.map((type) => (type === 'element' || type === 'hidden' ? 0 : 1)),
    };
  }

  #notePlaced(precheck: PrecheckedSection, placed: PlaceResult, width: number, from: number, count: number): void {
    if (placed.maxName > precheck.maxName) precheck.maxName = placed.maxName;
    if (placed.badValue >= 0 && (!precheck.bad || placed.badValue < precheck.bad.valueIndex)) {
      precheck.bad = { valueIndex: placed.badValue, kind: placed.badKind };
    }
    const end = from + count;
    if (from < placed.checkedFrom) precheck.uncheckedRecords.push(Math.floor(from / width));
    if (placed.checkedTo < end) precheck.uncheckedRecords.push(Math.floor(placed.checkedTo / width));
  }

  /** Call after `push(chunk)` returns: lets the chunk's slab be reused once its jobs are done. */
  releaseChunk(chunk: Uint8Array): void {
    const slab = this.#slabs.slabOf(chunk);
    if (slab) this.#slabs.release(slab);
  }

  async #mergeHead(): Promise<void> {
    const job = this.#jobs.shift()!;
    const outcome = await job.outcome;
    if (!outcome.ok) throw outcome.error;
    const { result } = outcome;
    const target = job.target;
    const expected = job.final ? STATUS_CLOSED : STATUS_NEED_MORE;
    if (result.status !== expected || (!job.final && result.phase !== 0)) {
      const offset = job.offset + result.position;
      if (result.status === STATUS_NEED_MORE || result.status === STATUS_CLOSED) {
        this.#formatError(`"${target.key}" could not be read in parallel (a slice ended in phase ${result.phase})`, offset);
      }
      this.#numberStatusError(result.status, result.byte, offset, target);
    }
    const merged = target.count + result.count;
    if (merged > target.out.length) {
      // Sizes not backed by a known input size grow as values arrive: let copies land first.
      await Promise.all(this.#copies.splice(0));
      while (merged > target.out.length) this.#grow(target, job.offset + result.position);
    }
    // The input is no longer needed once parsed; the output once copied into place.
    this.#slabs.release(job.slab);
    const spec = this.#recordSpec(target.key);
    const precheck = this.#prechecked.get(target.key)!;
    const at = target.count;
    const copy = this.#pool!.run({ kind: 'place', output: job.output, count: result.count, dest: target.out.buffer, offset: at, spec })
      .then((placed) => this.#notePlaced(precheck, placed, spec.fieldCount, at, result.count))
      .finally(() => this.#slabs.releaseOutput(job.output));
    // Awaited in settle(); marked handled now so an abandoned parse cannot crash the process.
    copy.catch(() => {});
    this.#copies.push(copy);
    this.#checkpoints.get(target.key)!.values.push(target.count);
    this.#checkpoints.get(target.key)!.offsets.push(job.offset);
    target.count = merged;
    if (job.final) this.#completeSection(target, merged, job.offset + result.position - 1);
  }

  #numbers(chunk: Uint8Array, start: number, end: number): number {
    const target = this.#numeric!;
    const state = this.#state;
    let i = start;
    for (;;) {
      i = target.float
        ? tokenizeFloat64(chunk, i, end, target.out as Float64Array, state)
        : tokenizeUint32(chunk, i, end, target.out as Uint32Array, state);
      const status = state[STATE_STATUS]!;
      if (status === STATUS_NEED_MORE) {
        this.#checkpoint(target.key, i);
        return i;
      }
      if (status === STATUS_CLOSED) {
        this.#finishNumbers(i);
        return i;
      }
      if (status === STATUS_FULL) {
        this.#grow(target, this.#base + i);
        continue;
      }
      this.#numberError(status, chunk, i, target);
    }
  }

  #checkpoint(key: string, position: number): void {
    const cp = this.#checkpoints.get(key)!;
    // One entry per chunk boundary is plenty to locate a bad value to within a chunk.
    cp.values.push(this.#state[STATE_COUNT]!);
    cp.offsets.push(this.#base + position);
  }

  #grow(target: NumericTarget, offset: number): void {
    const length = target.out.length;
    if (length >= target.limit) {
      const what = target.key === 'nodes' ? 'node_count × node_fields' : 'edge_count × edge_fields';
      throw new SnapshotInconsistentError(
        `"${target.key}" holds more than the ${target.limit} values the header declares (${what})`,
        this.#where(offset),
      );
    }
    const next = Math.min(target.limit, Math.max(INITIAL_CAPACITY, length * 2));
    const shared = target.out.buffer instanceof SharedArrayBuffer;
    const grown = target.float
      ? new Float64Array(next)
      : shared
        ? new Uint32Array(new SharedArrayBuffer(next * 4))
        : new Uint32Array(next);
    grown.set(target.out as never);
    target.out = grown;
  }

  #finishNumbers(position: number): void {
    const target = this.#numeric!;
    const count = this.#state[STATE_COUNT]!;
    this.#checkpoint(target.key, position);
    this.#completeSection(target, count, this.#base + position - 1);
    this.#numeric = undefined;
    this.#mode = Mode.AfterValue;
  }

  #completeSection(target: NumericTarget, count: number, closeOffset: number): void {
    if (Number.isFinite(target.limit) && count !== target.limit) {
      const fields = target.key === 'nodes' ? 'node_count × node_fields' : 'edge_count × edge_fields';
      throw new SnapshotInconsistentError(
        `"${target.key}" holds ${count} values but the header declares ${target.limit} (${fields})`,
        this.#where(closeOffset),
      );
    }
    const out = count === target.out.length ? target.out : target.out.slice(0, count);
    this.#results.set(target.key, out);
  }

  #numberError(status: number, chunk: Uint8Array, i: number, target: NumericTarget): never {
    this.#numberStatusError(status, chunk[i] ?? -1, this.#base + i, target);
  }

  #numberStatusError(status: number, byte: number, offset: number, target: NumericTarget): never {
    if (status === STATUS_BAD_BYTE) {
      this.#formatError(`"${target.key}" must hold only integers, found ${describeByte(byte)}`, offset);
    }
    if (status === STATUS_MISSING_VALUE) this.#formatError(`"${target.key}" has an empty value (",," or a trailing comma)`, offset);
    if (status === STATUS_TOO_LARGE) {
      const kind = target.float ? '2^53' : '2^32';
      this.#formatError(`"${target.key}" has a value that does not fit below ${kind}`, offset);
    }
    this.#formatError(`"${target.key}" could not be read (status ${status})`, offset);
  }

  // ---- strings ----

  #beginStrings(offset: number): void {
    // Strings are nearly always the last section: with a known size the rest of the input bounds them.
    const remaining = this.#totalBytes !== undefined ? Math.max(0, this.#totalBytes - offset) : 1 << 20;
    this.#stringBytes = new Uint8Array(Math.max(16, remaining));
    this.#stringLength = 0;
    this.#stringOffsets = new Uint32Array(1 << 16);
    this.#stringCount = 0;
    this.#stringPhase = 0;
    this.#stringEscape = 0;
  }

  /** Makes room for `more` bytes of string content (never more than the input that holds it). */
  #reserveStringBytes(more: number, offset: number): void {
    const needed = this.#stringLength + more;
    if (needed <= this.#stringBytes.length) return;
    if (needed > 2 ** 32 - 1) {
      throw new SnapshotTooLargeError('the strings section is larger than 4 GiB', this.#where(offset));
    }
    const grown = new Uint8Array(Math.min(2 ** 32 - 1, Math.max(needed, this.#stringBytes.length * 2)));
    grown.set(this.#stringBytes.subarray(0, this.#stringLength));
    this.#stringBytes = grown;
  }

  /**
   * The strings section, in one flat loop: structure (quotes, commas, "]"), escapes checked
   * as they pass, content bytes copied into the string buffer, UTF-8 checked per string only
   * when it has non-ASCII bytes.
   */
  #strings(chunk: Uint8Array, start: number, end: number): number {
    this.#reserveStringBytes(end - start, this.#base + start);
    const dst = this.#stringBytes;
    let offsets = this.#stringOffsets;
    let length = this.#stringLength;
    let count = this.#stringCount;
    let phase = this.#stringPhase;
    let escape = this.#stringEscape;
    let high = this.#stringHighBits;
    let startOffset = this.#stringStartOffset;
    const base = this.#base;
    let i = start;
    let closed = false;
    const fail = (message: string, at: number): never => {
      throw new SnapshotEncodingError(`string #${count} ${message}`, this.#where(at));
    };
    while (i < end) {
      const c = chunk[i]!;
      if (phase === 2) {
        if (escape === 0) {
          if (c === 0x22) {
            if (high & 0x80 && !isUtf8(dst.subarray(offsets[count]!, length))) fail('is not valid UTF-8', startOffset);
            count++;
            phase = 3;
          } else {
            if (c === 0x5c) escape = 1;
            else if (c < 0x20) fail(`holds an unescaped control character (${describeByte(c)})`, base + i);
            high |= c;
            dst[length++] = c;
          }
        } else if (escape === 1) {
          // " \ / b f n r t, or u and four hex digits
          if (c === 0x22 || c === 0x5c || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74) {
            escape = 0;
          } else if (c === 0x75) escape = 2;
          else fail(`has an invalid escape "\\${String.fromCharCode(c)}"`, base + i);
          dst[length++] = c;
        } else {
          const hex = (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
          if (!hex) fail('has an invalid \\u escape', base + i);
          escape = escape === 5 ? 0 : escape + 1;
          dst[length++] = c;
        }
        i++;
        continue;
      }
      if (c === 0x22 && phase !== 3) {
        phase = 2;
        high = 0;
        startOffset = base + i;
        if (count + 1 >= offsets.length) {
          const grown = new Uint32Array(offsets.length * 2);
          grown.set(offsets);
          offsets = grown;
        }
        offsets[count] = length;
      } else if (c === 0x2c && phase === 3) {
        phase = 1;
      } else if (c === 0x5d && (phase === 0 || phase === 3)) {
        offsets[count] = length;
        closed = true;
        i++;
        break;
      } else if (!isSpace(c)) {
        const expected = phase === 3 ? '"," or "]"' : 'a string';
        this.#formatError(`"strings" expected ${expected}, found ${describeByte(c)}`, base + i);
      }
      i++;
    }
    this.#stringOffsets = offsets;
    this.#stringLength = length;
    this.#stringCount = count;
    this.#stringPhase = phase;
    this.#stringEscape = escape;
    this.#stringHighBits = high;
    this.#stringStartOffset = startOffset;
    if (closed) {
      this.#stringsDone = true;
      this.#mode = Mode.AfterValue;
    }
    return i;
  }

  #encodingError(message: string, offset: number): never {
    throw new SnapshotEncodingError(message, this.#where(offset));
  }

  // ---- trace_tree: nested arrays of numbers, small; collected then flattened ----

  #traceTreeBody(chunk: Uint8Array, start: number, end: number): number {
    const stop = this.#scanValue(chunk, start, end);
    const i = stop < 0 ? end : stop;
    this.#traceTreeBytes.push(copyOf(chunk, start, i));
    this.#traceTreeLength += i - start;
    if (stop >= 0) {
      const bytes = concatBytes(this.#traceTreeBytes, this.#traceTreeLength);
      this.#traceTreeBytes = [];
      this.#traceTree = parseTraceTree(bytes, this.#header!.layout.traceNodeFields, this.#where(this.#traceTreeStart));
      this.#mode = Mode.AfterValue;
    }
    return i;
  }

  // ---- unknown sections ----

  #skip(chunk: Uint8Array, start: number, end: number): number {
    if (this.#skipScalar) {
      for (let i = start; i < end; i++) {
        const c = chunk[i]!;
        if (c === 0x2c || c === 0x7d || isSpace(c)) {
          this.#mode = Mode.AfterValue;
          return i;
        }
      }
      return end;
    }
    const stop = this.#scanValue(chunk, start, end);
    if (stop < 0) return end;
    this.#mode = Mode.AfterValue;
    return stop;
  }

  /** Whether the strings section has been read completely. */
  get stringsDone(): boolean {
    return this.#stringsDone;
  }
}
