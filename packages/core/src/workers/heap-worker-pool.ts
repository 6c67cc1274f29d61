import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ReplyTo, WorkerJob } from './worker-jobs.js';
import { workerSource } from './worker-source.js';

interface Pending {
  resolve: (reply: never) => void;
  reject: (error: unknown) => void;
}

/**
 * A small pool of worker threads for the heavy, flat loops (see `WorkerJob`: tokenizing and
 * placing numeric sections, shallow sizes, distances, the dominator tree's depth-first
 * search). Jobs start in the order they are given. Workers are unref'd while idle so they
 * never keep a process alive; `close()` ends them.
 *
 * @example
 * const pool = new HeapWorkerPool(2)
 * const { count } = await pool.run({ kind: 'dominator-dfs', … })
 * await pool.close()
 */
export class HeapWorkerPool {
  readonly size: number;
  readonly #workers: Worker[] = [];
  readonly #idle: Worker[] = [];
  readonly #queue: { id: number; job: WorkerJob }[] = [];
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #closed = false;

  constructor(size = HeapWorkerPool.defaultSize()) {
    this.size = Math.max(1, size);
    const source = workerSource();
    for (let i = 0; i < this.size; i++) {
      const worker = new Worker(source, { eval: true });
      worker.on('message', (message: { id: number; reply: never }) => this.#onReply(worker, message.id, message.reply));
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

  /** Runs one job on the next free worker; resolves with its reply. */
  run<J extends WorkerJob>(job: J): Promise<ReplyTo<J>> {
    if (this.#closed) return Promise.reject(new Error('the heap worker pool is closed'));
    const id = this.#nextId++;
    const promise = new Promise<ReplyTo<J>>((resolve, reject) => this.#pending.set(id, { resolve: resolve as Pending['resolve'], reject }));
    this.#queue.push({ id, job });
    this.#dispatch();
    return promise;
  }

  #dispatch(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const worker = this.#idle.pop()!;
      worker.ref();
      worker.postMessage(this.#queue.shift()!);
    }
  }

  #onReply(worker: Worker, id: number, reply: never): void {
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
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
    this.#failAll(new Error('the heap worker pool was closed'));
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }
}
