import { describe, expect, it } from 'vitest';
import { analyzeGraph, dominatorTree, nodeDistances, parseSnapshot, shallowSizes, summarizeClasses } from '@heapdiff/core';
import { inflatedFixture } from '../helpers/fixtures.js';

describe('analyzeGraph', () => {
  // Node 18's and Chromium's snapshots hold WeakMap entries (the essential edges leave out the table's half).
  it.each([24, 18, 'chrome'] as const)('computes on workers exactly what the synchronous analyses compute (fixture %s)', async (fixture) => {
    const file = inflatedFixture(fixture);
    // Small parallel threshold: the graph lives in shared memory, so the worker path runs.
    const shared = await parseSnapshot(file, { parallelMinValues: 1 });
    expect(shared.nodes.buffer).toBeInstanceOf(SharedArrayBuffer);
    await analyzeGraph(shared);
    const inline = await parseSnapshot(file, { workers: 0 });
    expect(Array.from(nodeDistances(shared))).toEqual(Array.from(nodeDistances(inline)));
    expect(Array.from(dominatorTree(shared).dominators)).toEqual(Array.from(dominatorTree(inline).dominators));
    expect(Array.from(dominatorTree(shared).retainedSizes)).toEqual(Array.from(dominatorTree(inline).retainedSizes));
    expect(Array.from(shared.retainers.firstRetainer)).toEqual(Array.from(inline.retainers.firstRetainer));
    expect(Array.from(shared.retainers.retainerNodes)).toEqual(Array.from(inline.retainers.retainerNodes));
  });

  it('{ distances: false } (what a summary needs): the same dominator tree, on a worker and inline; distances still come on first use', async () => {
    const file = inflatedFixture(24);
    const reference = await parseSnapshot(file, { workers: 0 });
    const phases: string[] = [];
    for (const options of [{ parallelMinValues: 1 }, { workers: 0 }]) {
      const graph = await parseSnapshot(file, options);
      phases.length = 0;
      await analyzeGraph(graph, { distances: false, onProgress: ({ phase }) => phases.push(phase) });
      expect(phases).not.toContain('distances');
      expect(Array.from(dominatorTree(graph).dominators)).toEqual(Array.from(dominatorTree(reference).dominators));
      expect(Array.from(dominatorTree(graph).retainedSizes)).toEqual(Array.from(dominatorTree(reference).retainedSizes));
      expect(Array.from(nodeDistances(graph))).toEqual(Array.from(nodeDistances(reference)));
    }
  });

  it('a load returns with its shallow sizes still on a worker: shallowSizes waits for that worker, and the graph can go to the next load at once', async () => {
    const file = inflatedFixture(18);
    const inline = await parseSnapshot(file, { workers: 0 });
    const expected = Array.from(shallowSizes(inline));
    const a = await parseSnapshot(file, { parallelMinValues: 1 });
    expect(a.nodes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(shallowSizes(a))).toEqual(expected);
    // Given as `reuse` right after its load: no "still being analysed", and the same results.
    const b = await parseSnapshot(file, { parallelMinValues: 1 });
    const c = await parseSnapshot(file, { parallelMinValues: 1, reuse: b });
    expect(Array.from(shallowSizes(c))).toEqual(expected);
    expect(summarizeClasses(c).rows).toEqual(summarizeClasses(inline).rows);
  });

  it('alongside: refused when not a function; when it throws, analyzeGraph rejects once its workers are done, so the graph can go to another load at once', async () => {
    const file = inflatedFixture(22);
    const graph = await parseSnapshot(file, { parallelMinValues: 1 });
    await expect(analyzeGraph(graph, { alongside: 'x' as never })).rejects.toThrow(/analyzeGraph: `alongside` takes a function, got "x"/);
    await expect(analyzeGraph(graph, { alongside: () => { throw new Error('boom'); } })).rejects.toThrow('boom');
    const next = await parseSnapshot(file, { parallelMinValues: 1, reuse: graph });
    await analyzeGraph(next);
    const inline = await parseSnapshot(file, { workers: 0 });
    expect(Array.from(dominatorTree(next).retainedSizes)).toEqual(Array.from(dominatorTree(inline).retainedSizes));
  });
});
