import { afterEach, describe, expect, it, vi } from 'vitest';
import { SLAB_VALUES, SLAB_VALUES_AT, SlabPool } from '../../packages/core/src/parser/slab-pool.js';
import { parseSnapshot } from '../../packages/core/src/load/parse-snapshot.js';
import { analyzeGraph } from '../../packages/core/src/load/analyze-graph.js';
import { dominatorTree } from '../../packages/core/src/analysis/dominators.js';
import { nodeDistances } from '../../packages/core/src/analysis/distances.js';
import { shallowSizes } from '../../packages/core/src/analysis/shallow-sizes.js';
import { inflatedFixture, tempDir } from '../helpers/fixtures.js';
import { buildSnapshotText, type BuilderNode } from '../helpers/snapshot-builder.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fixturePath } from '../helpers/fixtures.js';

describe("the process's slab pool", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is one pool while loads lease it, kept a few seconds after the last for the next load of a series, then dropped', () => {
    vi.useFakeTimers();
    const first = SlabPool.lease();
    const second = SlabPool.lease();
    expect(second).toBe(first);
    SlabPool.release(first);
    SlabPool.release(second);
    // The next load of a series, right after: the same slabs.
    const next = SlabPool.lease();
    expect(next).toBe(first);
    SlabPool.release(next);
    vi.advanceTimersByTime(3500);
    const later = SlabPool.lease();
    expect(later).not.toBe(first);
    SlabPool.release(later);
  });

  it("reads into a WebAssembly memory with room for a job's values after the input (the workers tokenize it in place), eight slabs to a memory", () => {
    const pool = new SlabPool();
    const slabs = Array.from({ length: 9 }, () => pool.acquire());
    for (const slab of slabs) {
      expect(slab.memory).toBeDefined();
      expect(slab.input).toBe(slab.memory!.buffer);
      expect(slab.input.byteLength).toBeGreaterThanOrEqual(slab.base + SLAB_VALUES_AT + SLAB_VALUES * 4);
      expect(slab.valuesTaken).toBe(false);
    }
    // V8 reserves ~10 GiB of address space per memory: the first eight share one, each its own stretch.
    expect(new Set(slabs.slice(0, 8).map((slab) => slab.memory)).size).toBe(1);
    expect(slabs[8]!.memory).not.toBe(slabs[0]!.memory);
    const bases = slabs.slice(0, 8).map((slab) => slab.base);
    bases.forEach((base, k) => k > 0 && expect(base).toBeGreaterThanOrEqual(bases[k - 1]! + SLAB_VALUES_AT + SLAB_VALUES * 4));
    // A chunk read into one is found to be its own.
    for (const slab of slabs) {
      slab.refs = 2; // (the chunk below is given back once; the slab stays out of the pool)
      const chunk = Buffer.from(slab.input, slab.base + 65536, 1024);
      expect(pool.slabOf(chunk)).toBe(slab);
      expect(pool.slabOf(chunk.subarray(100))).toBe(slab);
    }
  });

  it('reads into plain shared memory where a WebAssembly memory cannot be had (an address-space limit, ulimit -v)', () => {
    const wasm = (globalThis as unknown as { WebAssembly: { Memory: unknown } }).WebAssembly;
    const saved = wasm.Memory;
    wasm.Memory = function () {
      throw new RangeError('WebAssembly.Memory(): could not allocate memory');
    };
    try {
      const pool = new SlabPool();
      const slab = pool.acquire();
      expect(slab.memory).toBeUndefined();
      expect(slab.base).toBe(0);
      expect(pool.slabOf(Buffer.from(slab.input, 65536, 10))).toBe(slab);
    } finally {
      wasm.Memory = saved;
    }
  });

  it('gives a slab back to the next acquire once its chunk and jobs are done with it, and not before', () => {
    const pool = new SlabPool();
    const slab = pool.acquire();
    pool.retain(slab); // a job reads it too
    pool.release(slab); // the chunk is done
    expect(pool.acquire()).not.toBe(slab);
    pool.release(slab); // the job is done
    expect(pool.acquire()).toBe(slab);
  });

  it('keeps at most 24 free slabs and outputs: the buffers of stopped loads that come back late are left to the collector', () => {
    const pool = new SlabPool();
    const slabs = Array.from({ length: 30 }, () => pool.acquire());
    const outputs = Array.from({ length: 30 }, () => pool.acquireOutput());
    for (const slab of slabs) pool.release(slab);
    for (const output of outputs) pool.releaseOutput(output);
    const again = new Set(slabs);
    const againOutputs = new Set(outputs);
    expect(Array.from({ length: 30 }, () => pool.acquire()).filter((slab) => again.has(slab))).toHaveLength(24);
    expect(Array.from({ length: 30 }, () => pool.acquireOutput()).filter((output) => againOutputs.has(output))).toHaveLength(24);
  });

  it("lends its idle slabs' memory to the analysis after a load when the graph's work arrays fill them, with results the same as on one thread; a small graph borrows none", async () => {
    // Drop the process's pool (its slabs may be WebAssembly memories of ~100 MB, which only a
    // graph of millions of nodes fills): this load reads into slabs of plain shared memory.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    SlabPool.release(SlabPool.lease());
    vi.advanceTimersByTime(3500);
    vi.useRealTimers();
    const wasm = (globalThis as unknown as { WebAssembly: { Memory: unknown } }).WebAssembly;
    const saved = wasm.Memory;
    const original = SlabPool.lendIdle.bind(SlabPool);
    const lent: SharedArrayBuffer[][] = [];
    const spy = vi.spyOn(SlabPool, 'lendIdle').mockImplementation((borrow) =>
      original((idle) => {
        const kept = borrow(idle);
        lent.push([...kept]);
        return kept;
      }),
    );
    try {
      wasm.Memory = function () {
        throw new RangeError('WebAssembly.Memory(): could not allocate memory');
      };
      // 300,000 nodes: one value per node is 1.2 MB, three to a 4 MB slab.
      const count = 300_000;
      const nodes: BuilderNode[] = Array.from({ length: count }, (_, i) => ({
        type: 'object',
        name: `C${i % 97}`,
        id: 1 + 2 * i,
        selfSize: 16 + (i % 50),
        edges: [1, 7, 31].map((step, k) => ({ type: k === 2 ? 'weak' : 'property', name: `p${k}`, to: (i * 3 + step) % count })),
      }));
      const file = join(tempDir('heapdiff-lend-'), 'lend.heapsnapshot');
      writeFileSync(file, buildSnapshotText(nodes));
      const inline = await parseSnapshot(file, { workers: 0 });
      const reference = dominatorTree(inline);
      for (let round = 0; round < 2; round++) {
        const shared = await parseSnapshot(file, { workers: 2, parallelMinValues: 1 });
        await analyzeGraph(shared);
        const buffers = lent.at(-1)!;
        expect(buffers.length).toBeGreaterThan(0);
        // The dominator tree's working arrays became its results: some live in that memory, not at its start.
        const tree = dominatorTree(shared);
        const inLent = [tree.dominators, tree.firstDominated, tree.dominated].filter((array) => buffers.includes(array.buffer as SharedArrayBuffer));
        expect(inLent.some((array) => array.byteOffset > 0)).toBe(true);
        expect(Array.from(tree.dominators)).toEqual(Array.from(reference.dominators));
        expect(Array.from(tree.retainedSizes)).toEqual(Array.from(reference.retainedSizes));
        expect(Array.from(tree.dominated)).toEqual(Array.from(reference.dominated));
        expect(Array.from(nodeDistances(shared))).toEqual(Array.from(nodeDistances(inline)));
        expect(Array.from(shallowSizes(shared))).toEqual(Array.from(shallowSizes(inline)));
      }
      wasm.Memory = saved;
      // A small graph's arrays would fill a corner of a slab it then keeps whole: it borrows none.
      const small = await parseSnapshot(inflatedFixture(24), { workers: 2, parallelMinValues: 1 });
      await analyzeGraph(small);
      expect(lent.at(-1)).toEqual([]);
      // Nothing is lent while a load holds the pool.
      const calls = lent.length;
      const held = SlabPool.lease();
      SlabPool.lendIdle(() => expect.unreachable('lent while a load holds the pool'));
      SlabPool.release(held);
      expect(lent.length).toBe(calls);
    } finally {
      wasm.Memory = saved;
      spy.mockRestore();
    }
  });

  it('is given back by a load that fails, so that the process can drop it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const before = SlabPool.lease();
    SlabPool.release(before);
    await expect(parseSnapshot(join(tmpdir(), 'heapdiff-no-such-file.heapsnapshot'))).rejects.toThrow(/no such file/);
    await expect(parseSnapshot(fixturePath(20), { workers: 0 })).resolves.toBeDefined();
    vi.advanceTimersByTime(3500);
    // No lease left behind: the pool was dropped after the idle time.
    const after = SlabPool.lease();
    expect(after).not.toBe(before);
    SlabPool.release(after);
  });
});
