import { describe, expect, it } from 'vitest';
import { analyzeGraph, dominatorTree, nodeDistances, parseSnapshot } from '@heapdiff/core';
import { inflatedFixture } from '../helpers/fixtures.js';

describe('analyzeGraph', () => {
  it('computes on a worker exactly what the synchronous analyses compute', async () => {
    const file = inflatedFixture(24);
    // Small parallel threshold: the graph lives in shared memory, so the worker path runs.
    const shared = await parseSnapshot(file, { parallelMinValues: 1 });
    expect(shared.nodes.buffer).toBeInstanceOf(SharedArrayBuffer);
    await analyzeGraph(shared);
    const inline = await parseSnapshot(file, { workers: 0 });
    expect(Array.from(nodeDistances(shared))).toEqual(Array.from(nodeDistances(inline)));
    expect(Array.from(dominatorTree(shared).dominators)).toEqual(Array.from(dominatorTree(inline).dominators));
    expect(Array.from(dominatorTree(shared).retainedSizes)).toEqual(Array.from(dominatorTree(inline).retainedSizes));
  });
});
