import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { JOB_FAILED, JOB_POSTED, JOB_STATE, type ReplyTo, type WorkerJob } from './worker-jobs.js';
import { workerSource } from './worker-source.js';

/**
 * Jobs a worker is given at once: the one it runs and the next, which it then starts without
 * waiting for this thread to take the reply (this thread may be busy with its own loop for a
 * second: the dominator search would wait that long behind the distances). More would spread
 * jobs over the workers before it is known which one is free first.
 */
const JOBS_PER_WORKER = 2;

/** How long the process's shared pool (see `HeapWorkerPool.lease`) outlives its last use. */
const SHARED_IDLE_MS = 3000;

interface Pending {
  resolve: (reply: never) => void;
  reject: (error: unknown) => void;
  /** The job's `done` flag, if it has one (see `JobDone`). */
  done: Int32Array | undefined;
  kind: string;
}

/**
 * A small pool of worker threads for the heavy, flat loops (see `WorkerJob`: tokenizing and
 * placing numeric sections, shallow sizes, distances, the dominator tree's depth-first
 * search). Jobs start in the order they are given (on one worker, each after the one before).
 * Workers are unref'd while idle so they never keep a process alive; `close()` ends them.
 *
 * The loads and analyses of one process share a pool (`lease`), so that a series of big
 * snapshots starts its workers once and runs their kernels already optimised.
 *
 * @example
 * const pool = new HeapWorkerPool(2)
 * const { count } = await pool.run({ kind: 'dominator-dfs', … })
 * await pool.close()
 */
export class HeapWorkerPool {
  /** The process's shared pool, while it lives (see `lease`). */
  static #shared: HeapWorkerPool | undefined;
  static #leases = 0;
  static #idle: NodeJS.Timeout | undefined;

  readonly size: number;
  readonly #workers: Worker[] = [];
  /** Per worker (same order as `#workers`): jobs given and not yet replied to. */
  readonly #load: number[] = [];
  readonly #queue: { id: number; job: WorkerJob }[] = [];
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #closed = false;
  /** A worker failed or stopped: the pool cannot run jobs any more. */
  #broken = false;
  /** Released (see `release`): to close once its last job is done. */
  #closeOnIdle = false;

  constructor(size = HeapWorkerPool.defaultSize()) {
    this.size = Math.max(1, size);
    const source = workerSource();
    for (let i = 0; i < this.size; i++) {
      const worker = new Worker(source, { eval: true });
      worker.on('message', (message: { id: number; reply: never; error?: { message: string } }) => this.#onReply(i, message.id, message.reply, message.error));
      worker.on('error', (error) => {
        this.#broken = true;
        this.#failAll(error);
      });
      worker.on('exit', () => {
        this.#broken = true;
        if (!this.#closed) this.#failAll(new Error('a heap worker stopped'));
      });
      worker.unref();
      this.#workers.push(worker);
      this.#load.push(0);
    }
  }

  /** Workers to use by default: one per core, at most 4 (the parse is memory-bound past that). */
  static defaultSize(): number {
    return Math.min(4, Math.max(1, availableParallelism()));
  }

  /**
   * A pool of `size` workers to use until `release`: the process's shared one when `size` is
   * the default (made on first use, ended a few seconds after its last release), else one of
   * its own (ended once released and its last job is done).
   *
   * @example
   * const pool = HeapWorkerPool.lease(HeapWorkerPool.defaultSize())
   * try { await pool.run(job) } finally { HeapWorkerPool.release(pool) }
   */
  static lease(size: number): HeapWorkerPool {
    if (size !== HeapWorkerPool.defaultSize()) return new HeapWorkerPool(size);
    clearTimeout(HeapWorkerPool.#idle);
    HeapWorkerPool.#idle = undefined;
    let pool = HeapWorkerPool.#shared;
    if (!pool || pool.#broken || pool.#closed) {
      if (pool && HeapWorkerPool.#leases === 0) void pool.close();
      pool = HeapWorkerPool.#shared = new HeapWorkerPool(size);
      HeapWorkerPool.#leases = 0;
    }
    HeapWorkerPool.#leases++;
    return pool;
  }

  /**
   * The process's shared pool as `lease` gives it, but only when it is running already (a big
   * load started it a moment ago): for work too short to be worth starting workers for.
   * Undefined otherwise; give it back with `release`.
   */
  static leaseRunning(): HeapWorkerPool | undefined {
    const pool = HeapWorkerPool.#shared;
    if (!pool || pool.#broken || pool.#closed) return undefined;
    return HeapWorkerPool.lease(pool.size);
  }

  /** Gives back a pool from `lease`: its jobs still run, and their replies go where they were going. */
  static release(pool: HeapWorkerPool): void {
    if (pool !== HeapWorkerPool.#shared) {
      pool.#closeWhenIdle();
      return;
    }
    HeapWorkerPool.#leases = Math.max(0, HeapWorkerPool.#leases - 1);
    if (HeapWorkerPool.#leases > 0) return;
    if (pool.#broken) {
      HeapWorkerPool.#shared = undefined;
      void pool.close();
      return;
    }
    HeapWorkerPool.#idle = setTimeout(() => {
      if (HeapWorkerPool.#shared === pool && HeapWorkerPool.#leases === 0) HeapWorkerPool.#shared = undefined;
      pool.#closeWhenIdle();
    }, SHARED_IDLE_MS);
    HeapWorkerPool.#idle.unref();
  }

  /** Runs one job on the next free worker; resolves with its reply. */
  run<J extends WorkerJob>(job: J): Promise<ReplyTo<J>> {
    if (this.#closed) return Promise.reject(new Error('the heap worker pool is closed'));
    if (this.#broken) return Promise.reject(new Error('a heap worker of this pool stopped'));
    const id = this.#nextId++;
    const doneBuffer = (job as { done?: SharedArrayBuffer }).done;
    const done = doneBuffer ? new Int32Array(doneBuffer) : undefined;
    const promise = new Promise<ReplyTo<J>>((resolve, reject) => this.#pending.set(id, { resolve: resolve as Pending['resolve'], reject, done, kind: job.kind }));
    this.#queue.push({ id, job });
    this.#dispatch();
    return promise;
  }

  /**
   * Runs `job` only if a worker is idle now (it starts at once), for work this thread would
   * otherwise do itself, and wait for, with the job's `done` flag; undefined when all are busy.
   */
  runIfIdle<J extends WorkerJob>(job: J): Promise<ReplyTo<J>> | undefined {
    if (this.#closed || this.#broken || this.#queue.length > 0 || !this.#load.includes(0)) return undefined;
    return this.run(job);
  }

  /** Gives queued jobs to the least loaded workers, up to JOBS_PER_WORKER each. */
  #dispatch(): void {
    while (this.#queue.length > 0) {
      let best = 0;
      for (let i = 1; i < this.#load.length; i++) if (this.#load[i]! < this.#load[best]!) best = i;
      const load = this.#load[best]!;
      if (load >= JOBS_PER_WORKER) return;
      this.#load[best] = load + 1;
      if (load === 0) this.#workers[best]!.ref();
      const next = this.#queue.shift()!;
      const done = this.#pending.get(next.id)?.done;
      if (done) Atomics.store(done, JOB_POSTED, 1);
      this.#workers[best]!.postMessage(next);
    }
  }

  /**
   * Takes back a job not yet given to a worker, found by its `done` flag (see `JobDone`): it
   * will not run, and its promise rejects. False when it was given already (or is unknown).
   */
  withdraw(done: SharedArrayBuffer): boolean {
    const at = this.#queue.findIndex(({ job }) => (job as { done?: SharedArrayBuffer }).done === done);
    if (at < 0) return false;
    const { id } = this.#queue.splice(at, 1)[0]!;
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    pending?.reject(new Error('the job was withdrawn before it ran'));
    if (this.#closeOnIdle && this.#pending.size === 0) void this.close();
    return true;
  }

  /** Closes the pool once no job is left (at once if none is). */
  #closeWhenIdle(): void {
    this.#closeOnIdle = true;
    if (this.#pending.size === 0) void this.close();
  }

  #onReply(index: number, id: number, reply: never, error: { message: string } | undefined): void {
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    const settle = (): void => {
      if (error) pending?.reject(new Error(`a heap worker's ${pending.kind} job failed: ${error.message}`));
      else pending?.resolve(reply);
    };
    if (this.#closeOnIdle && this.#pending.size === 0) {
      void this.close();
      settle();
      return;
    }
    const load = this.#load[index]! - 1;
    this.#load[index] = load;
    if (load === 0) this.#workers[index]!.unref();
    this.#dispatch();
    settle();
  }

  #failAll(error: unknown): void {
    for (const { reject, done } of this.#pending.values()) {
      if (done && Atomics.load(done, JOB_STATE) === 0) {
        Atomics.store(done, JOB_STATE, JOB_FAILED);
        Atomics.notify(done, JOB_STATE);
      }
      reject(error);
    }
    this.#pending.clear();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#failAll(new Error('the heap worker pool was closed'));
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }
}
