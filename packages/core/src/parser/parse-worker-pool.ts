import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createTokenizerState, tokenizeUint32 } from './number-tokenizer.js';

/** Bytes of one slice a worker parses at most, and room for the values they can hold. */
export const SLAB_BYTES = 4 * 1024 * 1024;
const SLAB_VALUES = (SLAB_BYTES >>> 1) + 2;

/** Shared memory for one job: the slice's bytes in, its values out. Reused across jobs. */
export interface Slab {
  readonly input: SharedArrayBuffer;
  readonly output: SharedArrayBuffer;
}

export function createSlab(): Slab {
  return { input: new SharedArrayBuffer(SLAB_BYTES), output: new SharedArrayBuffer(SLAB_VALUES * 4) };
}

/** A slice of a numeric section for a worker, already copied into `slab.input`. */
export interface NumberJob {
  readonly slab: Slab;
  readonly length: number;
  /** Tokenizer phase to start in: 3 right after "[", 0 right after ",". */
  readonly phase: number;
}

export interface NumberJobResult {
  /** The values, a view into the job's slab (valid until the slab is reused). */
  readonly values: Uint32Array;
  readonly count: number;
  readonly status: number;
  readonly phase: number;
  /** Where the tokenizer stopped, counting the carried bytes first. */
  readonly position: number;
  /** The offending byte when `status` is STATUS_BAD_BYTE, else -1. */
  readonly byte: number;
}

interface WorkerReply {
  id: number;
  count: number;
  status: number;
  phase: number;
  position: number;
  byte: number;
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
// Warm the tokenizer up so the first real slice runs optimised code.
{
  const sample = Buffer.from('1,22,333,4444,55555,0\\n,7,8,9,10,11,12,13,14,15,16,17,18,19,20]');
  const out = new Uint32Array(64);
  for (let k = 0; k < 2000; k++) tokenizeUint32(sample, 0, sample.length, out, createTokenizerState());
}
parentPort.on('message', (job) => {
  const bytes = new Uint8Array(job.slab.input, 0, job.length);
  const out = new Uint32Array(job.slab.output);
  const state = createTokenizerState();
  state[1] = job.phase;
  const position = tokenizeUint32(bytes, 0, bytes.length, out, state);
  const byte = state[3] === 3 ? bytes[position] : -1;
  parentPort.postMessage({ id: job.id, count: state[2], status: state[3], phase: state[1], position, byte });
});
`;
}

/**
 * A small pool of worker threads that turn slices of numeric sections into integers.
 * Workers are unref'd while idle so they never keep a process alive; `close()` ends them.
 */
export class ParseWorkerPool {
  readonly size: number;
  readonly #workers: Worker[] = [];
  readonly #idle: Worker[] = [];
  readonly #queue: { id: number; job: NumberJob }[] = [];
  readonly #slabs = new Map<number, Slab>();
  readonly #pending = new Map<number, { resolve: (r: NumberJobResult) => void; reject: (e: unknown) => void }>();
  #nextId = 0;
  #closed = false;

  constructor(size = ParseWorkerPool.defaultSize()) {
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

  run(job: NumberJob): Promise<NumberJobResult> {
    if (this.#closed) return Promise.reject(new Error('the parse worker pool is closed'));
    const id = this.#nextId++;
    const promise = new Promise<NumberJobResult>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    this.#queue.push({ id, job });
    this.#slabs.set(id, job.slab);
    this.#dispatch();
    return promise;
  }

  #dispatch(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const worker = this.#idle.pop()!;
      const { id, job } = this.#queue.shift()!;
      worker.ref();
      worker.postMessage({ id, slab: job.slab, length: job.length, phase: job.phase });
    }
  }

  #onReply(worker: Worker, reply: WorkerReply): void {
    const pending = this.#pending.get(reply.id);
    const slab = this.#slabs.get(reply.id)!;
    this.#pending.delete(reply.id);
    this.#slabs.delete(reply.id);
    worker.unref();
    this.#idle.push(worker);
    this.#dispatch();
    pending?.resolve({
      values: new Uint32Array(slab.output, 0, reply.count),
      count: reply.count,
      status: reply.status,
      phase: reply.phase,
      position: reply.position,
      byte: reply.byte,
    });
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
