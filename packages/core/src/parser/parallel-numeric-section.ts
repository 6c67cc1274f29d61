import { SnapshotFormatError } from '../errors.js';
import {
  PHASE_EXPECT_VALUE,
  PHASE_OPENED,
  STATE_COUNT,
  STATE_PHASE,
  STATE_STATUS,
  STATUS_BAD_BYTE,
  STATUS_CLOSED,
  STATUS_NEED_MORE,
  createTokenizerState,
  tokenizeUint32,
} from '../kernels/number-tokenizer.js';
import type { NodeSideArrays, PlaceResult, RecordSpec } from '../kernels/place-records.js';
import type { HeapWorkerPool } from '../workers/heap-worker-pool.js';
import type { TokenizeJob, TokenizeReply } from '../workers/worker-jobs.js';
import { copyOf } from './json-bytes.js';
import { edgePacking } from './packed-edges.js';
import { nodePacking } from './node-fields.js';
import type { NumericTarget } from './numeric-section.js';
import { inputLocation, type SectionReader } from './section-reader.js';
import { SLAB_BYTES, SLAB_RESERVE, SLAB_VALUES, SLAB_VALUES_AT, SlabPool, type Slab } from './slab-pool.js';
import type { SnapshotHeader } from './snapshot-layout.js';

export interface ParallelParseOptions {
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

/** What the parse workers found while placing a section's values. */
export interface PrecheckedSection {
  /** Largest string index a checked record names, -1 if none. */
  maxName: number;
  /** Records cut between two jobs, left unchecked (and unconverted) for the caller. */
  uncheckedRecords: number[];
  /**
   * The first bad field found, by value index, with `BAD_TYPE` or `BAD_TO_NODE` (and, for edges,
   * which are not placed as they are, the record's values as in the file).
   */
  bad: { valueIndex: number; kind: number; record: number[] } | undefined;
  /** Edges: the values of the records cut between two jobs, by value index (they are not placed). */
  cutValues: Map<number, number>;
  /** Edges: names too big for a packed record, by edge number (see parser/packed-edges.ts). */
  nameOverflow: Map<number, number>;
  /**
   * Nodes placed packed (see parser/node-fields.ts): their side fields, whether any trace node
   * id was not 0, and the detachedness values that are not 0 (one run of pairs of ordinal and
   * value per job, see `sparseNodeValues`). Undefined when the nodes were placed as they are.
   */
  nodeSide: (NodeSideArrays & { traced: boolean; detached: number[][] }) | undefined;
}

/**
 * The longest run of bytes without a comma carried over to the next slice (a slice must end at
 * a comma); a longer run (white space, which JSON allows in any amount) is read on this thread.
 */
const CARRY_LIMIT = 64 * 1024;
const EMPTY = new Uint8Array(0);

type JobOutcome = { ok: true; result: TokenizeReply } | { ok: false; error: unknown };

interface QueuedJob {
  outcome: Promise<JobOutcome>;
  /** The slab holding the job's input; none for a stretch tokenized on this thread. */
  slab: Slab | undefined;
  output: SharedArrayBuffer;
  /** Where in `output` the values start: the slab's room for values when they are written there (`Slab.memory`), else 0. */
  outputOffset: number;
  target: NumericTarget;
  spec: RecordSpec;
  precheck: PrecheckedSection;
  /** Byte offset of the job's first byte (its carry, if any) in the input. */
  offset: number;
  final: boolean;
}

/**
 * Big `nodes` and `edges` sections on worker threads. Each section is cut into slices ending
 * at commas, tokenized by workers; the results are merged, in order, by one queue for all
 * sections, and workers copy each slice's values into place while checking the records.
 */
export class ParallelNumbers {
  readonly #getPool: (() => HeapWorkerPool) | undefined;
  #pool: HeapWorkerPool | undefined;
  readonly #minValues: number;
  readonly #file: string | undefined;
  readonly #jobs: QueuedJob[] = [];
  /** Copies into the destination arrays, done by workers, not yet finished. */
  readonly #copies: Promise<unknown>[] = [];
  readonly slabs: SlabPool;
  /** What the workers found in each section they placed. */
  readonly prechecked = new Map<string, PrecheckedSection>();

  constructor(options: ParallelParseOptions, file: string | undefined) {
    this.#getPool = options.getPool;
    this.#minValues = options.parallelMinValues ?? 4 * 1024 * 1024;
    this.slabs = options.slabs ?? new SlabPool();
    this.#file = file;
  }

  /** Whether a section is read on workers: only nodes and edges, when big enough and a pool is offered. */
  accepts(key: string, limit: number): boolean {
    return this.#getPool !== undefined && (key === 'nodes' || key === 'edges') && limit >= this.#minValues;
  }

  /**
   * Starts a section whose "[" is at `offset`; `target` must be in shared memory. `nodeSide`:
   * for nodes placed packed (`target.records`), where their side fields go, in shared memory.
   */
  begin(target: NumericTarget, header: SnapshotHeader, offset: number, nodeSide?: NodeSideArrays): ParallelNumericSection {
    this.#pool ??= this.#getPool!();
    const precheck: PrecheckedSection = {
      maxName: -1,
      uncheckedRecords: [],
      bad: undefined,
      cutValues: new Map(),
      nameOverflow: new Map(),
      nodeSide: nodeSide && { ...nodeSide, traced: false, detached: [] },
    };
    this.prechecked.set(target.key, precheck);
    return new ParallelNumericSection(this, target, recordSpec(target.key, header), precheck, offset + 1, this.#file);
  }

  /** Worker jobs submitted and not yet merged. */
  get pendingJobs(): number {
    return this.#jobs.length;
  }

  /** Merges finished worker jobs, in order, until at most `max` remain pending. */
  async settle(max: number): Promise<void> {
    while (this.#jobs.length > max) await this.#mergeHead();
    if (max === 0) await Promise.all(this.#copies.splice(0));
  }

  /** Lets the slab a chunk was read into be reused once the jobs that use it are done. */
  releaseChunk(chunk: Uint8Array): void {
    const slab = this.slabs.slabOf(chunk);
    if (slab) this.slabs.release(slab);
  }

  /** Queues, for merging in order, a stretch already tokenized on this thread (see `InlineRun`). */
  submitTokenized(result: TokenizeReply, queued: Omit<QueuedJob, 'outcome' | 'slab'>): void {
    this.#jobs.push({ outcome: Promise.resolve({ ok: true, result }), slab: undefined, ...queued });
  }

  /** Runs a tokenize job and queues it for merging. */
  submit(job: TokenizeJob, queued: Omit<QueuedJob, 'outcome'>): void {
    const outcome = this.#pool!.run(job).then(
      (result): JobOutcome => ({ ok: true, result }),
      (error: unknown): JobOutcome => ({ ok: false, error }),
    );
    this.#jobs.push({ outcome, ...queued });
  }

  async #mergeHead(): Promise<void> {
    const job = this.#jobs.shift()!;
    const outcome = await job.outcome;
    if (!outcome.ok) throw outcome.error;
    const { result } = outcome;
    const target = job.target;
    const expected = job.final ? STATUS_CLOSED : STATUS_NEED_MORE;
    if (result.status !== expected || (!job.final && result.phase !== PHASE_EXPECT_VALUE)) {
      const offset = job.offset + result.position;
      if (result.status === STATUS_NEED_MORE || result.status === STATUS_CLOSED) {
        throw new SnapshotFormatError(
          `"${target.key}" could not be read in parallel (a slice ended in phase ${result.phase})`,
          inputLocation(this.#file, offset),
        );
      }
      target.statusError(result.status, result.byte, offset);
    }
    const merged = target.count + result.count;
    if (merged > target.capacity) {
      // Sizes not backed by a known input size grow as values arrive: let copies land first.
      await Promise.all(this.#copies.splice(0));
      // (The section's last job ends after its "]": the error names the "]", as a parse on one thread does.)
      while (merged > target.capacity) target.grow(job.offset + result.position - (job.final ? 1 : 0));
    }
    // The input is no longer needed once parsed; the output once copied into place (a slab
    // holding its job's values goes back after that, with them).
    const inSlab = job.slab !== undefined && job.output === job.slab.input;
    if (job.slab && !inSlab) this.slabs.release(job.slab);
    const { spec, precheck } = job;
    const at = target.count;
    const side = precheck.nodeSide && {
      edgeCounts: precheck.nodeSide.edgeCounts.buffer as SharedArrayBuffer,
      traceNodeIds: precheck.nodeSide.traceNodeIds?.buffer as SharedArrayBuffer | undefined,
      detachedness: precheck.nodeSide.detachedness,
    };
    const copy = this.#pool!.run({ kind: 'place', output: job.output, outputOffset: job.outputOffset, count: result.count, dest: target.out.buffer, offset: at, spec, ...(side ? { side } : {}) })
      .then((placed) => notePlaced(precheck, placed, spec.fieldCount, at, result.count))
      .finally(() => {
        if (!inSlab) return this.slabs.releaseOutput(job.output);
        job.slab!.valuesTaken = false;
        this.slabs.release(job.slab!);
      });
    // Awaited in settle(); marked handled now so an abandoned parse cannot crash the process.
    copy.catch(() => {});
    this.#copies.push(copy);
    target.checkpoint(target.count, job.offset);
    target.count = merged;
    if (job.final) target.complete(merged, job.offset + result.position - 1);
  }
}

/**
 * One section read by workers: each chunk is cut after its last comma (or after the closing
 * "]"); the bytes after that comma are carried over to the front of the next slice.
 */
export class ParallelNumericSection implements SectionReader {
  readonly #jobs: ParallelNumbers;
  readonly #target: NumericTarget;
  readonly #spec: RecordSpec;
  readonly #precheck: PrecheckedSection;
  readonly #file: string | undefined;
  #carry: Uint8Array = EMPTY;
  #carryOffset: number;
  /** The carry is the bytes right before the current position of the current chunk. */
  #carryInChunk = false;
  #first = true;
  #done = false;
  /** A run without a comma too long to carry, being read on this thread up to its next comma. */
  #run: InlineRun | undefined;
  /** A bad value was found on this thread: its error is queued, and the rest is not read. */
  #failed = false;

  /** `firstValueOffset` is the offset just after the section's "[". */
  constructor(
    jobs: ParallelNumbers,
    target: NumericTarget,
    spec: RecordSpec,
    precheck: PrecheckedSection,
    firstValueOffset: number,
    file: string | undefined,
  ) {
    this.#jobs = jobs;
    this.#target = target;
    this.#spec = spec;
    this.#precheck = precheck;
    this.#carryOffset = firstValueOffset;
    this.#file = file;
  }

  get done(): boolean {
    return this.#done;
  }

  push(chunk: Uint8Array, start: number, end: number, base: number): number {
    if (this.#failed) return end;
    this.#carryInChunk = false;
    // Found once per chunk; slices never reach past it.
    const close = chunk.indexOf(0x5d /* ] */, start);
    let i = start;
    while (i < end) {
      if (this.#run) {
        i = this.#continueRun(this.#run, chunk, i, end);
        if (this.#done) return i;
        if (this.#failed) return end;
        continue;
      }
      // A job is at most a slab's input: the carry in the slab's reserve and the chunk read
      // after it, used in place; else (a chunk not read into a slab) both are copied into one
      // slab, and the job ends SLAB_BYTES after the carry's start. (Cutting a slab's chunk there
      // too gave each a second job of a few bytes: a round trip of its own through this thread.)
      const pieceEnd = this.#fitsInPlace(chunk, i) ? end : Math.min(end, i + SLAB_BYTES - this.#carry.length);
      if (close !== -1 && close < pieceEnd) {
        this.#submit(chunk, i, close + 1, true, base);
        this.#done = true;
        return close + 1;
      }
      const lastComma = chunk.lastIndexOf(0x2c /* , */, pieceEnd - 1);
      if (lastComma < i) {
        const carryLength = this.#carry.length;
        if (carryLength + pieceEnd - i > CARRY_LIMIT) {
          this.#startRun(base + i);
          if (this.#failed) return end;
          continue;
        }
        const carry = new Uint8Array(carryLength + pieceEnd - i);
        carry.set(this.#carry);
        carry.set(chunk.subarray(i, pieceEnd), carryLength);
        if (carryLength === 0) this.#carryOffset = base + i;
        this.#carry = carry;
        this.#carryInChunk = false;
        i = pieceEnd;
        continue;
      }
      this.#submit(chunk, i, lastComma + 1, false, base);
      this.#carry = copyOf(chunk, lastComma + 1, pieceEnd);
      this.#carryOffset = base + lastComma + 1;
      this.#carryInChunk = true;
      i = pieceEnd;
    }
    return end;
  }

  describePosition(): string {
    return this.#target.describePosition(this.#target.count);
  }

  /**
   * Goes on reading on this thread, from the carried bytes (or `offset`, when none), with the
   * very tokenizer the workers run: a result the same as if a worker had read the stretch.
   */
  #startRun(offset: number): void {
    const carry = this.#carry;
    const run = new InlineRun(carry.length > 0 ? this.#carryOffset : offset, this.#first ? PHASE_OPENED : PHASE_EXPECT_VALUE, this.#jobs.slabs.acquireOutput());
    this.#first = false;
    this.#carry = EMPTY;
    this.#carryInChunk = false;
    this.#run = run;
    run.read(carry, 0, carry.length);
    if (run.status !== STATUS_NEED_MORE) this.#endRun(run);
  }

  /** Reads `chunk[from..end)` in the run up to its first comma; returns where the run stopped. */
  #continueRun(run: InlineRun, chunk: Uint8Array, from: number, end: number): number {
    const comma = chunk.indexOf(0x2c /* , */, from);
    const stop = comma < 0 || comma >= end ? end : comma + 1;
    const position = run.read(chunk, from, stop);
    if (run.status === STATUS_NEED_MORE && stop === end && comma !== end - 1) return end;
    this.#endRun(run);
    return position;
  }

  /** Queues what the run read: values up to a comma, the closed section, or the bad value it met. */
  #endRun(run: InlineRun): void {
    this.#run = undefined;
    const status = run.status;
    const final = status === STATUS_CLOSED;
    this.#jobs.submitTokenized(run.reply(), { output: run.output, outputOffset: 0, target: this.#target, spec: this.#spec, precheck: this.#precheck, offset: run.offset, final });
    if (final) this.#done = true;
    else if (status !== STATUS_NEED_MORE) this.#failed = true;
  }

  /**
   * Whether a job from `chunk[from]` on, after the carry, can be read where the chunk is: the
   * chunk was read into a slab, and the carry is there right before `from` already, or there
   * is none, or it goes into the slab's reserve in front of the chunk.
   */
  #fitsInPlace(chunk: Uint8Array, from: number): boolean {
    const owner = this.#jobs.slabs.slabOf(chunk);
    const carryLength = this.#carry.length;
    return owner !== undefined && (this.#carryInChunk || carryLength === 0 || (from === 0 && chunk.byteOffset - owner.base >= carryLength));
  }

  /**
   * Queues `carry + chunk[from..to)` for a worker. When the chunk was read into a slab the
   * bytes are used in place (the carry goes into the reserve just before them); otherwise
   * they are copied into a fresh slab.
   */
  #submit(chunk: Uint8Array, from: number, to: number, final: boolean, base: number): void {
    const slabs = this.#jobs.slabs;
    const carry = this.#carry;
    const carryLength = carry.length;
    const owner = slabs.slabOf(chunk);
    let slab: Slab;
    let jobStart: number;
    if (owner && this.#fitsInPlace(chunk, from)) {
      slab = owner;
      slabs.retain(slab);
      jobStart = chunk.byteOffset + from - carryLength;
      if (!this.#carryInChunk && carryLength > 0) new Uint8Array(slab.input).set(carry, jobStart);
    } else {
      slab = slabs.acquire();
      jobStart = slab.base + SLAB_RESERVE;
      const input = new Uint8Array(slab.input);
      input.set(carry, jobStart);
      input.set(chunk.subarray(from, to), jobStart + carryLength);
    }
    const offset = carryLength > 0 ? this.#carryOffset : base + from;
    // The values go beside the input in the slab's WebAssembly memory when it has one free.
    const memory = slab.valuesTaken ? undefined : slab.memory;
    if (memory) slab.valuesTaken = true;
    const output = memory ? slab.input : slabs.acquireOutput();
    const outputOffset = memory ? slab.base + SLAB_VALUES_AT : 0;
    const phase = this.#first ? PHASE_OPENED : PHASE_EXPECT_VALUE;
    const length = carryLength + to - from;
    const outputLength = memory ? SLAB_VALUES : output.byteLength >>> 2;
    const job = { kind: 'tokenize', input: slab.input, output, outputOffset, outputLength, start: jobStart, length, phase, ...(memory ? { memory } : {}) } as const;
    this.#jobs.submit(job, { slab, output, outputOffset, target: this.#target, spec: this.#spec, precheck: this.#precheck, offset, final });
    this.#first = false;
    this.#carry = EMPTY;
    this.#carryInChunk = false;
  }
}

/** What the workers check in each record of `nodes` or `edges` as they place it. */
export function recordSpec(key: string, header: SnapshotHeader): RecordSpec {
  const { layout, nodeCount } = header;
  if (key === 'nodes') {
    const packing = nodePacking(layout);
    return {
      fieldCount: layout.nodeFieldCount,
      typeOffset: layout.nodeTypeOffset,
      nameOffset: layout.nodeNameOffset,
      toNodeOffset: -1,
      typeCount: layout.nodeTypes.length,
      nodeFieldCount: layout.nodeFieldCount,
      nodesLength: nodeCount * layout.nodeFieldCount,
      stringNamed: layout.nodeTypes.map(() => 1),
      packTypeBits: -1,
      nameLimit: 0,
      kept: [...packing.kept],
      edgeCountAt: packing.edgeCountAt,
      traceNodeIdAt: packing.traceNodeIdAt,
      detachednessAt: packing.detachednessAt,
    };
  }
  const packing = edgePacking(layout);
  return {
    fieldCount: layout.edgeFieldCount,
    typeOffset: layout.edgeTypeOffset,
    nameOffset: layout.edgeNameOffset,
    toNodeOffset: layout.edgeToNodeOffset,
    typeCount: layout.edgeTypes.length,
    nodeFieldCount: layout.nodeFieldCount,
    nodesLength: nodeCount * layout.nodeFieldCount,
    stringNamed: layout.edgeTypes.map((type) => (type === 'element' || type === 'hidden' ? 0 : 1)),
    packTypeBits: packing.typeBits,
    nameLimit: packing.nameLimit,
    kept: [],
    edgeCountAt: -1,
    traceNodeIdAt: -1,
    detachednessAt: -1,
  };
}

/** Folds what the workers found placing values `from..from + count` into the section's findings. */
function notePlaced(precheck: PrecheckedSection, placed: PlaceResult, width: number, from: number, count: number): void {
  if (placed.maxName > precheck.maxName) precheck.maxName = placed.maxName;
  if (placed.badValue >= 0 && (!precheck.bad || placed.badValue < precheck.bad.valueIndex)) {
    precheck.bad = { valueIndex: placed.badValue, kind: placed.badKind, record: placed.badRecord };
  }
  if (precheck.nodeSide) {
    if (placed.traced) precheck.nodeSide.traced = true;
    if (placed.detached.length > 0) precheck.nodeSide.detached.push(placed.detached);
  }
  const { cutValues, overflow } = placed;
  for (let i = 0; i < cutValues.length; i += 2) precheck.cutValues.set(cutValues[i]!, cutValues[i + 1]!);
  for (let i = 0; i < overflow.length; i += 2) precheck.nameOverflow.set(overflow[i]!, overflow[i + 1]!);
  const end = from + count;
  if (from < placed.checkedFrom) precheck.uncheckedRecords.push(Math.floor(from / width));
  if (placed.checkedTo < end) precheck.uncheckedRecords.push(Math.floor(placed.checkedTo / width));
}

/** A stretch of a section tokenized on this thread, across chunks, as one worker job would. */
class InlineRun {
  /** Byte offset of the stretch's first byte in the input. */
  readonly offset: number;
  readonly output: SharedArrayBuffer;
  readonly #out: Uint32Array;
  readonly #state = createTokenizerState();
  /** Bytes read so far. */
  #length = 0;
  #byte = -1;

  constructor(offset: number, phase: number, output: SharedArrayBuffer) {
    this.offset = offset;
    this.output = output;
    this.#out = new Uint32Array(output);
    this.#state[STATE_PHASE] = phase;
  }

  get status(): number {
    return this.#state[STATE_STATUS]!;
  }

  /** Reads `bytes[from..to)`; returns where it stopped (`to`, or after "]", or at a bad value). */
  read(bytes: Uint8Array, from: number, to: number): number {
    const position = tokenizeUint32(bytes, from, to, this.#out, this.#state);
    this.#length += position - from;
    if (this.status === STATUS_BAD_BYTE) this.#byte = bytes[position] ?? -1;
    return position;
  }

  /** What a worker would have replied for the stretch. */
  reply(): TokenizeReply {
    const state = this.#state;
    return { count: state[STATE_COUNT]!, status: state[STATE_STATUS]!, phase: state[STATE_PHASE]!, position: this.#length, byte: this.#byte };
  }
}
