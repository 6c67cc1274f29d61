import { SnapshotFormatError, SnapshotTruncatedError, type InputLocation } from '../errors.js';
import { HeaderSection } from './header-section.js';
import { describeByte, isSpace, skipSpace } from './json-bytes.js';
import { InlineNumericSection, NUMERIC_SECTIONS, NumericTarget, declaredLength, type NumericArray, type NumericCheckpoints } from './numeric-section.js';
import { sharedUint32Array, type SpareMemory } from './spare-memory.js';
import { nodePacking } from './node-fields.js';
import { ParallelNumbers, type ParallelParseOptions, type PrecheckedSection } from './parallel-numeric-section.js';
import { inputLocation, type SectionReader } from './section-reader.js';
import type { SnapshotHeader } from './snapshot-layout.js';
import type { StringTable } from './string-table.js';
import { StringsSection } from './strings-section.js';
import { TraceTreeSection, checkTraceReferences, type TraceTree } from './trace-tree.js';
import { SkippedValue } from './value-scanner.js';

export type { PrecheckedSection } from './parallel-numeric-section.js';

/** The raw content of a snapshot, before the graph indexes are built. */
export interface ParsedSnapshot {
  readonly header: SnapshotHeader;
  /**
   * `node_count × node_fields` values as in the file when read on this thread; packed (see
   * node-fields.ts) when read by workers and `prechecked` has the nodes' side fields, but for
   * the records it says were cut between two jobs. `buildGraphIndexes` packs or finishes them.
   */
  readonly nodes: Uint32Array;
  /**
   * Room for `edge_count × edge_fields` values: as in the file (`to_node` still a node index)
   * when read on this thread; packed at the front (see packed-edges.ts) when read by workers,
   * but for the records `prechecked` says were cut between two jobs. `buildGraphIndexes` packs
   * or finishes them.
   */
  readonly edges: Uint32Array;
  readonly strings: StringTable;
  /** See `HeapGraph.locations`. */
  readonly locations: Int32Array | Float64Array;
  readonly traceFunctionInfos: Uint32Array;
  readonly traceTree: TraceTree | undefined;
  readonly samples: Float64Array;
  /** Lets a later check turn "value #k of section S" back into a byte offset. */
  readonly checkpoints: SectionCheckpoints;
  /** Sections whose records workers already checked (and, for edges, converted to ordinals). */
  readonly prechecked: ReadonlyMap<string, PrecheckedSection>;
  /** What is left of the memory given for reuse, for the graph's indexes and analyses. */
  readonly spare?: SpareMemory | undefined;
}

/** For each numeric section: at byte offset `offsets[i]`, value number `values[i]` began. */
export type SectionCheckpoints = Map<string, NumericCheckpoints>;

export interface SnapshotParserOptions extends ParallelParseOptions {
  file?: string;
  /** Total size of the text when known up front (uncompressed files): lets arrays be sized once. */
  totalBytes?: number;
  /** Puts `nodes` and `edges` in shared memory even when parsed on this thread (for the analyses' worker). */
  sharedGraph?: boolean;
  /** Memory of a graph the caller is done with, for the shared arrays (see `parseSnapshot`'s `reuse`). */
  spare?: SpareMemory;
}

/** Where the parser is in the top-level object `{ "key": value, … }`. */
const enum Mode {
  Start,
  ExpectKey,
  Key,
  ExpectColon,
  ExpectValue,
  /** Inside a value: `#section` reads it. */
  Value,
  AfterValue,
  Done,
}

const KEY_LIMIT = 256;
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * A push parser for the `.heapsnapshot` JSON text. It works on bytes and never builds a string
 * from more than the small header, so input size is bounded only by typed-array limits. It
 * reads the top-level object itself and hands each section's value to a reader for it.
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
  /** Bytes of a UTF-8 byte order mark read at the very start. */
  #bomBytes = 0;
  #keyBytes: number[] = [];
  readonly #seen = new Set<string>();

  /** The reader of the value being read, in `Mode.Value`. */
  #section: SectionReader | undefined;
  #headerSection: HeaderSection | undefined;
  readonly #numbers = new Map<string, NumericTarget>();
  readonly #parallel: ParallelNumbers;
  readonly #sharedGraph: boolean;
  readonly #spare: SpareMemory | undefined;
  #strings: StringsSection | undefined;
  #traceTree: TraceTreeSection | undefined;

  constructor(options: SnapshotParserOptions = {}) {
    this.#file = options.file;
    this.#totalBytes = options.totalBytes;
    this.#sharedGraph = options.sharedGraph ?? false;
    this.#spare = options.spare;
    this.#parallel = new ParallelNumbers(options, options.file);
  }

  /** Worker jobs submitted and not yet merged. */
  get pendingJobs(): number {
    return this.#parallel.pendingJobs;
  }

  /** Merges finished worker jobs, in order, until at most `max` remain pending. */
  async settle(max = 0): Promise<void> {
    await this.#parallel.settle(max);
  }

  /** Call after `push(chunk)` returns: lets the chunk's slab be reused once its jobs are done. */
  releaseChunk(chunk: Uint8Array): void {
    this.#parallel.releaseChunk(chunk);
  }

  /** Feeds the next chunk of the snapshot text. */
  push(chunk: Uint8Array): void {
    let i = 0;
    const end = chunk.length;
    while (i < end) {
      const section = this.#section;
      if (section === undefined) {
        i = this.#structure(chunk, i, end);
        continue;
      }
      i = section.push(chunk, i, end, this.#base);
      if (section.done) {
        this.#section = undefined;
        this.#mode = Mode.AfterValue;
      }
    }
    this.#base += end;
  }

  /** Call once the input has ended: checks completeness and returns the parsed content. */
  async finish(): Promise<ParsedSnapshot> {
    await this.settle(0);
    const at = this.#base;
    if (this.#mode === Mode.Start) {
      if (this.#bomBytes % 3 !== 0) this.#formatError('the input ends inside a UTF-8 byte order mark', at);
      const what = at === this.#bomBytes ? 'the input is empty' : 'the input holds only white space';
      throw new SnapshotTruncatedError(`${what}; a .heapsnapshot file starts with {"snapshot":`, this.#where(at));
    }
    if (this.#mode !== Mode.Done) {
      throw new SnapshotTruncatedError(
        `the snapshot ends early, ${this.#describePosition()}; the file is incomplete (an interrupted write or download?)`,
        this.#where(at),
      );
    }
    const header = this.#header;
    if (!header) this.#formatError('the input is JSON but has no "snapshot" header; is this a V8 heap snapshot?', 0);
    for (const key of ['nodes', 'edges', 'strings']) {
      if (!this.#seen.has(key)) this.#formatError(`the snapshot has no "${key}" array`, at);
    }
    const values = (key: string): NumericArray | undefined => this.#numbers.get(key)?.result;
    const strings = this.#strings!.table();
    const traceFunctionInfos = (values('trace_function_infos') as Uint32Array | undefined) ?? new Uint32Array(0);
    const traceTree = this.#traceTree?.tree;
    const offsetOf = (key: string): number | undefined => this.#numbers.get(key)?.checkpoints.offsets[0];
    checkTraceReferences(traceFunctionInfos, header.layout.traceFunctionInfoFields, strings.count, {
      file: this.#file,
      infosOffset: offsetOf('trace_function_infos'),
    });
    return {
      header,
      nodes: values('nodes') as Uint32Array,
      edges: values('edges') as Uint32Array,
      strings,
      locations: (values('locations') as Int32Array | Float64Array | undefined) ?? new Int32Array(0),
      traceFunctionInfos,
      traceTree,
      samples: (values('samples') as Float64Array | undefined) ?? new Float64Array(0),
      checkpoints: new Map([...this.#numbers].map(([key, target]) => [key, target.checkpoints])),
      prechecked: this.#parallel.prechecked,
      spare: this.#spare,
    };
  }

  get #header(): SnapshotHeader | undefined {
    return this.#headerSection?.header;
  }

  #where(offset: number): InputLocation {
    return inputLocation(this.#file, offset);
  }

  #formatError(message: string, offset: number): never {
    throw new SnapshotFormatError(message, this.#where(offset));
  }

  #describePosition(): string {
    const inside = this.#section?.describePosition();
    if (inside !== undefined) return inside;
    return this.#key ? `after "${this.#key}"` : 'before the first section';
  }

  /** The top-level structure, `{ "key": value, … }`, up to the first byte of a value. */
  #structure(chunk: Uint8Array, start: number, end: number): number {
    for (let i = start; i < end; i++) {
      if (this.#mode !== Mode.Key) {
        // Between tokens: runs of white space, however long, pass in one tight loop.
        i = skipSpace(chunk, i, end);
        if (i === end) break;
      }
      const c = chunk[i]!;
      switch (this.#mode) {
        case Mode.Start:
          if (isSpace(c)) continue;
          if (this.#base + i === this.#bomBytes && c === UTF8_BOM[this.#bomBytes]) {
            // A UTF-8 byte order mark, as some editors and tools write: not part of the JSON.
            this.#bomBytes++;
            continue;
          }
          if (this.#bomBytes % 3 !== 0) this.#formatError(`an incomplete UTF-8 byte order mark, then ${describeByte(c)}`, this.#base + i);
          if (c === 0x7b /* { */) {
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
          if (c === 0x22 /* " */) {
            this.#keyBytes = [];
            this.#mode = Mode.Key;
            continue;
          }
          if (c === 0x7d /* } */ && this.#seen.size === 0) {
            this.#mode = Mode.Done;
            continue;
          }
          this.#formatError(`expected a section name in quotes, found ${describeByte(c)}`, this.#base + i);
        case Mode.Key:
          if (c === 0x22 /* " */) {
            this.#key = String.fromCharCode(...this.#keyBytes);
            if (this.#seen.has(this.#key)) this.#formatError(`the section "${this.#key}" appears twice`, this.#base + i);
            this.#seen.add(this.#key);
            this.#mode = Mode.ExpectColon;
            continue;
          }
          if (this.#keyBytes.length >= KEY_LIMIT) this.#formatError('a section name is implausibly long', this.#base + i);
          if (c < 0x20 || c >= 0x7f || c === 0x5c /* \ */) {
            // JSON forbids control characters in strings; V8 writes plain ASCII names, never escaped.
            this.#formatError(`a section name holds ${describeByte(c)}; section names are plain ASCII without escapes`, this.#base + i);
          }
          this.#keyBytes.push(c);
          continue;
        case Mode.ExpectColon:
          if (isSpace(c)) continue;
          if (c === 0x3a /* : */) {
            this.#mode = Mode.ExpectValue;
            continue;
          }
          this.#formatError(`expected ":" after "${this.#key}", found ${describeByte(c)}`, this.#base + i);
        case Mode.ExpectValue:
          if (isSpace(c)) continue;
          return this.#beginValue(c, i);
        case Mode.AfterValue:
          if (isSpace(c)) continue;
          if (c === 0x2c /* , */) {
            this.#mode = Mode.ExpectKey;
            continue;
          }
          if (c === 0x7d /* } */) {
            this.#mode = Mode.Done;
            continue;
          }
          this.#formatError(`expected "," or "}" after the "${this.#key}" section, found ${describeByte(c)}`, this.#base + i);
        case Mode.Done:
          if (isSpace(c)) continue;
          this.#formatError(`unexpected ${describeByte(c)} after the end of the snapshot`, this.#base + i);
      }
    }
    return end;
  }

  /** Picks the reader for the value of `#key`, whose first byte `c` is at `i`; returns where it starts reading. */
  #beginValue(c: number, i: number): number {
    const key = this.#key;
    const offset = this.#base + i;
    this.#mode = Mode.Value;
    if (key === 'snapshot') {
      if (c !== 0x7b /* { */) this.#formatError(`"snapshot" must be an object, found ${describeByte(c)}`, offset);
      this.#section = this.#headerSection = new HeaderSection(offset, this.#file, this.#totalBytes);
      return i;
    }
    const isKnownArray = NUMERIC_SECTIONS.has(key) || key === 'strings' || key === 'trace_tree';
    if (isKnownArray && c !== 0x5b /* [ */) this.#formatError(`"${key}" must be an array, found ${describeByte(c)}`, offset);
    const header = this.#header;
    if (isKnownArray && !header) {
      this.#formatError(`"${key}" comes before the "snapshot" header; heapdiff needs the header first`, offset);
    }
    if (NUMERIC_SECTIONS.has(key)) {
      this.#section = this.#beginNumbers(key, header!, offset);
      return i + 1;
    }
    if (key === 'strings') {
      this.#section = this.#strings = new StringsSection(offset, this.#totalBytes, this.#file);
      return i + 1;
    }
    if (key === 'trace_tree') {
      this.#section = this.#traceTree = new TraceTreeSection(offset, header!.layout.traceNodeFields, this.#file);
      return i;
    }
    // An unknown section: skip its value, whatever it is, so newer V8 versions still load.
    this.#section = new SkippedValue(key, this.#file);
    return i;
  }

  #beginNumbers(key: string, header: SnapshotHeader, offset: number): SectionReader {
    const parallel = this.#parallel.accepts(key, declaredLength(key, header));
    // Values parsed on workers are written by them straight into the result, in shared memory.
    // (And a big graph's locations, for the next load of a series to write into: see NumericTarget.)
    const shared = parallel || (this.#sharedGraph && (key === 'nodes' || key === 'edges' || key === 'locations'));
    // Workers place nodes packed (see node-fields.ts) when the header's count is backed by the
    // input's size: the side arrays are sized by it up front.
    const packNodes = parallel && key === 'nodes' && this.#totalBytes !== undefined;
    const packing = packNodes ? nodePacking(header.layout) : undefined;
    const records = packing && { fileWidth: packing.fileWidth, placedWidth: packing.width };
    const target = new NumericTarget(key, header, offset, { file: this.#file, totalBytes: this.#totalBytes, shared, spare: this.#spare, records });
    this.#numbers.set(key, target);
    if (!parallel) return new InlineNumericSection(target);
    const nodeSide = packing && {
      edgeCounts: sharedUint32Array(header.nodeCount + 1, this.#spare),
      // Fresh (zeroed) memory, written only where a value is not 0: pages never written cost nothing.
      traceNodeIds: packing.traceNodeIdAt >= 0 ? new Uint32Array(new SharedArrayBuffer(header.nodeCount * 4)) : undefined,
      detachedness: packing.detachednessAt >= 0,
    };
    return this.#parallel.begin(target, header, offset, nodeSide);
  }
}
