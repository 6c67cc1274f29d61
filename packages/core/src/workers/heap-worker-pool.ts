import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createTokenizerState, tokenizeUint32 } from '../parser/number-tokenizer.js';
import { placeRecords, type PlaceResult, type RecordSpec } from '../parser/place-records.js';
import { shallowSizesKernel, type ShallowSizesParams } from '../analysis/shallow-sizes.js';
import { distancesKernel, type DistanceInputs } from '../analysis/distances.js';
import { dominatorDfsKernel, type LtArrays } from '../analysis/dominators.js';

/** Input bytes a slab holds after its reserve, and the reserve in front for carried-over bytes. */
export const SLAB_BYTES = 1024 * 1024;
export const SLAB_RESERVE = 64 * 1024;
const SLAB_INPUT = SLAB_RESERVE + SLAB_BYTES;
const SLAB_VALUES = (SLAB_INPUT >>> 1) + 2;

/**
 * Shared memory holding input bytes for workers (read from the file straight into `input`
 * after the reserve). Reused; `refs` counts the chunk and the jobs still using it.
 */
export interface Slab {
  readonly input: SharedArrayBuffer;
  refs: number;
}

/** Slabs in use and free, found again from a chunk's buffer; and output buffers for jobs. */
export class SlabPool {
  readonly #free: Slab[] = [];
  readonly #freeOutputs: SharedArrayBuffer[] = [];
  readonly #byBuffer = new WeakMap<ArrayBufferLike, Slab>();

  acquire(): Slab {
    let slab = this.#free.pop();
    if (!slab) {
      slab = { input: new SharedArrayBuffer(SLAB_INPUT), refs: 0 };
      this.#byBuffer.set(slab.input, slab);
    }
    slab.refs = 1;
    return slab;
  }

  /** Room for the values of one job (any stretch of at most one slab's input). */
  acquireOutput(): SharedArrayBuffer {
    return this.#freeOutputs.pop() ?? new SharedArrayBuffer(SLAB_VALUES * 4);
  }

  releaseOutput(output: SharedArrayBuffer): void {
    this.#freeOutputs.push(output);
  }

  /** A read buffer for the byte source: the slab's input after the reserve. */
  acquireChunk(): Buffer {
    return Buffer.from(this.acquire().input, SLAB_RESERVE, SLAB_BYTES);
  }

  /** The slab a chunk was read into, if any. */
  slabOf(chunk: Uint8Array): Slab | undefined {
    return this.#byBuffer.get(chunk.buffer);
  }

  retain(slab: Slab): void {
    slab.refs++;
  }

  release(slab: Slab): void {
    if (--slab.refs === 0) this.#free.push(slab);
  }
}

/** A stretch of `slab.input` for a worker to turn into values in `output`. */
export interface NumberJob {
  readonly slab: Slab;
  readonly output: SharedArrayBuffer;
  readonly start: number;
  readonly length: number;
  /** Tokenizer phase to start in: 3 right after "[", 0 right after ",". */
  readonly phase: number;
}

export interface NumberJobResult {
  readonly count: number;
  readonly status: number;
  readonly phase: number;
  /** Where the tokenizer stopped, relative to the job's start. */
  readonly position: number;
  /** The offending byte when `status` is STATUS_BAD_BYTE, else -1. */
  readonly byte: number;
}

interface WorkerReply extends NumberJobResult {
  id: number;
  place?: PlaceResult;
  wide?: Float64Array;
}

/**
 * The worker body. The tokenizer is the main thread's own function, serialised with
 * `toString()`, so workers and the single-threaded path run the very same code.
 */
function workerSource(): string {
  return `'use strict';
const { parentPort } = require('node:worker_threads');
const createTokenizerState = ${createTokenizerState.toString()};
const tokenizeUint32 = ${tokenizeUint32.toString()};
const placeRecords = ${placeRecords.toString()};
const shallowSizesKernel = ${shallowSizesKernel.toString()};
const distancesKernel = ${distancesKernel.toString()};
const dominatorDfsKernel = ${dominatorDfsKernel.toString()};
// Warm the tokenizer up so the first real slice runs optimised code.
{
  const sample = Buffer.from('1,22,333,4444,55555,0\\n,7,8,9,10,11,12,13,14,15,16,17,18,19,20]');
  const out = new Uint32Array(64);
  for (let k = 0; k < 2000; k++) tokenizeUint32(sample, 0, sample.length, out, createTokenizerState());
}
parentPort.on('message', (job) => {
  if (job.kind === 'dfs') {
    const view = (buffer, offset, length) => new Uint32Array(buffer, offset, length);
    const a = job.arrays;
    const count = dominatorDfsKernel(new Uint32Array(job.edges), new Uint32Array(job.firstEdge), job.essential, job.edgeStep, job.toAt, job.start, 0,
      view(a.pair, 0, job.size), view(a.vertex, 0, job.size), view(a.label, 0, job.size), view(a.semi, 0, job.size), view(a.scratch, a.scratchOffset, job.size));
    parentPort.postMessage({ id: job.id, count });
    return;
  }
  if (job.kind === 'distances') {
    distancesKernel(new Uint32Array(job.nodes), new Uint32Array(job.edges), new Uint32Array(job.firstEdge), job.params,
      job.ephemeronPairOf, job.descriptorSlots, new Int32Array(job.out), new Uint32Array(job.queue, 0, job.queueLength));
    parentPort.postMessage({ id: job.id });
    return;
  }
  if (job.kind === 'shallow') {
    const sizes = new Uint32Array(job.sizes);
    const result = shallowSizesKernel(new Uint32Array(job.nodes), new Uint32Array(job.edges), new Uint32Array(job.firstEdge), job.params, sizes);
    parentPort.postMessage({ id: job.id, wide: result === sizes ? undefined : result });
    return;
  }
  if (job.kind === 'place') {
    const result = placeRecords(new Uint32Array(job.output, 0, job.count), job.count, new Uint32Array(job.dest), job.offset, job.spec);
    parentPort.postMessage({ id: job.id, place: result });
    return;
  }
  const bytes = new Uint8Array(job.input, job.start, job.length);
  const out = new Uint32Array(job.output);
  const state = createTokenizerState();
  state[1] = job.phase;
  const position = tokenizeUint32(bytes, 0, bytes.length, out, state);
  const byte = state[3] === 3 ? bytes[position] : -1;
  parentPort.postMessage({ id: job.id, count: state[2], status: state[3], phase: state[1], position, byte });
});
`;
}

type Task = { id: number; message: object };

/**
 * A small pool of worker threads for the heavy, flat loops: turning stretches of numeric
 * sections into integers and placing them (parse), shallow sizes, distances and the dominator
 * tree's depth-first search (analyses). Each job's code is the main thread's own function,
 * serialised with `toString()`. Workers are unref'd while idle so they never keep a process
 * alive; `close()` ends them.
 */
export class HeapWorkerPool {
  readonly size: number;
  readonly #workers: Worker[] = [];
  readonly #idle: Worker[] = [];
  readonly #queue: Task[] = [];
  readonly #pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: unknown) => void }>();
  #nextId = 0;
  #closed = false;

  constructor(size = HeapWorkerPool.defaultSize()) {
    this.size = Math.max(1, size);
    const source = workerSource();
    for (let i = 0; i < this.size; i++) {
      const worker = new Worker(source, { eval: true });
      worker.on('message', (reply: WorkerReply) => this.#onReply(worker, reply));
      worker.on('error', (error) => this.#failAll(error));
      worker.unref();
      this.#workers.push(worker);
      this.#idle.push(worker);
    }
  }

  /** Workers to use by default: one per core, at most 4 (the parse is memory-bound past that). */
  static defaultSize(): number {
    return Math.min(4, Math.max(1, availableParallelism()));
  }

  /** Tokenizes a stretch of a slab into the slab's output. */
  parse(job: NumberJob): Promise<NumberJobResult> {
    const { slab, output, start, length, phase } = job;
    return this.#run({ kind: 'parse', input: slab.input, output, start, length, phase });
  }

  /** Puts the first `count` values of a job's output into `dest` at `offset`, checking them (on a worker). */
  async place(output: SharedArrayBuffer, count: number, dest: Uint32Array, offset: number, spec: RecordSpec): Promise<PlaceResult> {
    if (dest.byteOffset !== 0) throw new Error('place() needs a destination array at the start of its buffer');
    const reply = await this.#run({ kind: 'place', output, count, dest: dest.buffer, offset, spec });
    return reply.place!;
  }

  /**
   * Computes shallow sizes (see `shallowSizes`) on a worker, from arrays in shared memory.
   * Resolves with the sizes: a shared Uint32Array, or a Float64Array if sums outgrew 32 bits.
   */
  async shallowSizes(nodes: Uint32Array, edges: Uint32Array, firstEdge: Uint32Array, params: ShallowSizesParams): Promise<Uint32Array | Float64Array> {
    const sizes = new Uint32Array(new SharedArrayBuffer(params.nodeCount * 4));
    const reply = await this.#run({ kind: 'shallow', nodes: nodes.buffer, edges: edges.buffer, firstEdge: firstEdge.buffer, params, sizes: sizes.buffer });
    return reply.wide ?? sizes;
  }

  /** Computes distances from the GC roots (see `nodeDistances`) on a worker, into `out`. */
  async distances(
    nodes: Uint32Array,
    edges: Uint32Array,
    firstEdge: Uint32Array,
    inputs: DistanceInputs,
    out: Int32Array,
    queue: Uint32Array,
  ): Promise<void> {
    await this.#run({
      kind: 'distances',
      nodes: nodes.buffer,
      edges: edges.buffer,
      firstEdge: firstEdge.buffer,
      params: inputs.params,
      ephemeronPairOf: inputs.ephemeronPairOf,
      descriptorSlots: inputs.descriptorSlots,
      out: out.buffer,
      queue: queue.buffer,
      queueLength: queue.length,
    });
  }

  /** The dominator tree's first depth-first search (see `dominatorDfsKernel`), into `arrays`. */
  async dominatorDfs(
    edges: Uint32Array,
    firstEdge: Uint32Array,
    essential: Int32Array,
    edgeStep: number,
    toAt: number,
    start: number,
    arrays: LtArrays,
  ): Promise<number> {
    const reply = await this.#run({
      kind: 'dfs',
      edges: edges.buffer,
      firstEdge: firstEdge.buffer,
      essential,
      edgeStep,
      toAt,
      start,
      size: arrays.parent.length,
      arrays: {
        pair: arrays.pair,
        vertex: arrays.vertex.buffer,
        label: arrays.label.buffer,
        semi: arrays.semi.buffer,
        scratch: arrays.scratch.buffer,
        scratchOffset: arrays.scratch.byteOffset,
      },
    });
    return reply.count;
  }

  #run(message: object): Promise<WorkerReply> {
    if (this.#closed) return Promise.reject(new Error('the parse worker pool is closed'));
    const id = this.#nextId++;
    const promise = new Promise<WorkerReply>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    this.#queue.push({ id, message });
    this.#dispatch();
    return promise;
  }

  #dispatch(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const worker = this.#idle.pop()!;
      const { id, message } = this.#queue.shift()!;
      worker.ref();
      worker.postMessage({ id, ...message });
    }
  }

  #onReply(worker: Worker, reply: WorkerReply): void {
    const pending = this.#pending.get(reply.id);
    this.#pending.delete(reply.id);
    worker.unref();
    this.#idle.push(worker);
    this.#dispatch();
    pending?.resolve(reply);
  }

  #failAll(error: unknown): void {
    for (const { reject } of this.#pending.values()) reject(error);
    this.#pending.clear();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#failAll(new Error('the parse worker pool was closed'));
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }
}
