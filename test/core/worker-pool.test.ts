import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PHASE_EXPECT_VALUE } from '../../packages/core/src/kernels/number-tokenizer.js';
import { HeapWorkerPool } from '../../packages/core/src/workers/heap-worker-pool.js';
import { jobDoneFlag } from '../../packages/core/src/workers/worker-jobs.js';
import { TSX_ARGS } from '../helpers/run-cli.js';
import { fixturePath, inflatedFixture } from '../helpers/fixtures.js';

/** A tokenize job over `text` whose output, in shared memory, can be watched from this thread. */
function tokenizeJob(text: string) {
  const bytes = Buffer.from(text);
  const input = new SharedArrayBuffer(bytes.length);
  new Uint8Array(input).set(bytes);
  const output = new SharedArrayBuffer(4 * 64);
  return { job: { kind: 'tokenize' as const, input, output, outputOffset: 0, outputLength: output.byteLength >>> 2, start: 0, length: bytes.length, phase: PHASE_EXPECT_VALUE }, values: new Int32Array(output) };
}

describe('the heap worker pool', () => {
  it('starts a worker on its next job without waiting for this thread, busy with its own loop, to take the reply of the one before', async () => {
    const pool = new HeapWorkerPool(1);
    try {
      const first = tokenizeJob('1,2,3,');
      const second = tokenizeJob('41,42,43,');
      const replies = Promise.all([pool.run(first.job), pool.run(second.job)]);
      // This thread never yields here: the second job can only run if the worker already has it.
      const deadline = Date.now() + 10_000;
      while (Atomics.load(second.values, 2) !== 43 && Date.now() < deadline);
      expect(Array.from(second.values.subarray(0, 3))).toEqual([41, 42, 43]);
      const [a, b] = await replies;
      expect([a.count, b.count]).toEqual([3, 3]);
      expect(Array.from(first.values.subarray(0, 3))).toEqual([1, 2, 3]);
    } finally {
      await pool.close();
    }
  });

  it('runs many jobs on two workers, each with its own reply, in any order of completion', async () => {
    const pool = new HeapWorkerPool(2);
    try {
      const jobs = Array.from({ length: 25 }, (_, i) => tokenizeJob(`${i},${i * 2},${i * 3},`));
      const replies = await Promise.all(jobs.map(({ job }) => pool.run(job)));
      expect(replies.every((r) => r.count === 3)).toBe(true);
      jobs.forEach(({ values }, i) => expect(Array.from(values.subarray(0, 3))).toEqual([i, i * 2, i * 3]));
    } finally {
      await pool.close();
    }
  });
});

describe("the process's shared pool", () => {
  it('is one pool for the loads and analyses that lease it, kept between uses; a pool of another size is their own', async () => {
    const size = HeapWorkerPool.defaultSize();
    const a = HeapWorkerPool.lease(size);
    const b = HeapWorkerPool.lease(size);
    expect(b).toBe(a);
    HeapWorkerPool.release(a);
    HeapWorkerPool.release(b);
    // Released by all: still there for the next lease (it ends a few seconds later).
    const c = HeapWorkerPool.lease(size);
    expect(c).toBe(a);
    const { job, values } = tokenizeJob('7,8,');
    await c.run(job);
    expect(Array.from(values.subarray(0, 2))).toEqual([7, 8]);
    const own = HeapWorkerPool.lease(size + 1);
    expect(own).not.toBe(c);
    expect(own.size).toBe(size + 1);
    HeapWorkerPool.release(own);
    await expect(own.run(tokenizeJob('1,').job)).rejects.toThrow(/closed/);
    HeapWorkerPool.release(c);
  });

  it('a job that fails there fails alone: its worker goes on with the next job, another caller\'s as well', async () => {
    const size = HeapWorkerPool.defaultSize();
    const pool = HeapWorkerPool.lease(size);
    try {
      const bad = pool.run({ kind: 'no-such-job' } as never);
      const { job, values } = tokenizeJob('5,6,');
      const good = pool.run(job);
      await expect(bad).rejects.toThrow(/no-such-job job failed/);
      await good;
      expect(Array.from(values.subarray(0, 2))).toEqual([5, 6]);
      expect(HeapWorkerPool.lease(size)).toBe(pool);
      HeapWorkerPool.release(pool);
    } finally {
      HeapWorkerPool.release(pool);
    }
  });

  it('takes back a job still queued (by its done flag): it never runs, its promise rejects', async () => {
    const pool = new HeapWorkerPool(1);
    try {
      // Two jobs fill the worker (the one it runs and the next); a third waits in the queue.
      const first = tokenizeJob('1,');
      const second = tokenizeJob('2,');
      const third = tokenizeJob('3,');
      const done = jobDoneFlag();
      const runs = [pool.run(first.job), pool.run(second.job)];
      const queued = pool.run({ ...third.job, done } as never);
      expect(pool.withdraw(done)).toBe(true);
      await expect(queued).rejects.toThrow(/withdrawn/);
      await Promise.all(runs);
      expect(third.values[0]).toBe(0);
      expect(pool.withdraw(done)).toBe(false);
    } finally {
      await pool.close();
    }
  });
});

describe('the heap worker pool under the flags of the process', () => {
  it('works in a program run with --input-type=module (its workers then read their code as a module)', () => {
    const pool = new URL('../../packages/core/dist/workers/heap-worker-pool.js', import.meta.url).href;
    const program = `
      import { HeapWorkerPool } from ${JSON.stringify(pool)};
      const bytes = Buffer.from('7,8,9,');
      const input = new SharedArrayBuffer(bytes.length);
      new Uint8Array(input).set(bytes);
      const output = new SharedArrayBuffer(64);
      const workers = new HeapWorkerPool(1);
      const reply = await workers.run({ kind: 'tokenize', input, output, outputOffset: 0, outputLength: output.byteLength >>> 2, start: 0, length: bytes.length, phase: 0 });
      console.log(reply.count, Array.from(new Uint32Array(output, 0, 3)).join(','));
      await workers.close();`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8', timeout: 30_000 });
    expect(out.trim()).toBe('3 7,8,9');
  });

  it('runs kernels compiled from TypeScript by tsx, as the tests and a user of the sources run them (esbuild names inner functions with a helper workers do not have)', () => {
    // A parse on workers of every kind: nodes and edges placed, and the analyses.
    const core = new URL('../../packages/core/src/index.ts', import.meta.url).href;
    const program = `
      import { analyzeGraph, parseSnapshot, summarizeClasses } from ${JSON.stringify(core)};
      const graph = await parseSnapshot(${JSON.stringify(inflatedFixture(20))}, { workers: 2, parallelMinValues: 1 });
      await analyzeGraph(graph);
      const gzip = await parseSnapshot(${JSON.stringify(fixturePath(20))}, { workers: 2, parallelMinValues: 1 });
      console.log(summarizeClasses(graph).rows.length > 0, gzip.nodeCount === graph.nodeCount);`;
    const out = execFileSync(process.execPath, [...TSX_ARGS, '--input-type=module', '-e', program], { encoding: 'utf8', timeout: 60_000 });
    expect(out.trim()).toBe('true true');
  });

  it('parses on workers under an address-space limit (ulimit -v) that leaves no room for WebAssembly memories, as without one', () => {
    // V8 reserves ~10 GiB of address space per WebAssembly memory: under 16 GiB the slabs are
    // plain shared memory and the tokenizers JavaScript, with the same result.
    const core = new URL('../../packages/core/dist/index.js', import.meta.url).href;
    const program = `
      const { parseSnapshot, summarizeClasses } = await import(${JSON.stringify(core)});
      const parsed = await parseSnapshot(${JSON.stringify(inflatedFixture(20))}, { workers: 2, parallelMinValues: 1 });
      console.log(parsed.nodeCount, parsed.edgeCount, JSON.stringify(summarizeClasses(parsed).rows).length);`;
    const run = (limit: string): string =>
      execFileSync('bash', ['-c', `ulimit -v ${limit} && exec "$0" --input-type=module -e "$1"`, process.execPath, program], { encoding: 'utf8', timeout: 60_000 }).trim();
    const unlimited = run('unlimited');
    expect(unlimited).toMatch(/^\d+ \d+ \d+$/);
    expect(run(String(16 * 1024 * 1024))).toBe(unlimited);
  });
});
