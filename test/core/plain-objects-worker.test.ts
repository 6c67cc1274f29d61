import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseSnapshot, takeCensus, type HeapGraph } from '@heapdiff/core';
import { buildClassKeys } from '../../packages/core/src/graph/class-keys.js';
import { HeapWorkerPool } from '../../packages/core/src/workers/heap-worker-pool.js';
import { inflatedFixture, type Fixture } from '../helpers/fixtures.js';

// A low parallel threshold puts these small graphs in shared memory, as files of 100 MB and up
// are: the process's worker pool is then running, and the plain objects are read on a worker.
const SHARED = { parallelMinValues: 1 };

function keysOf(graph: HeapGraph, options: Parameters<typeof buildClassKeys>[1]) {
  // (A worker writes only into shared memory: the census's keys are in a shared work array.)
  const keys = buildClassKeys(graph, { ...options, into: new Uint32Array(new SharedArrayBuffer(4 * graph.nodeCount)) });
  return { keyOf: Array.from(keys.keyOf), names: keys.names, durable: keys.durable, shapes: keys.shapes, sets: keys.sets };
}

describe('plain objects read on a worker (class keys, census)', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each<Fixture>([20, 22, 26, 'chrome'])('node %s: the same keys, shapes and census as read on this thread', async (fixture) => {
    const here = await parseSnapshot(inflatedFixture(fixture));
    const shared = await parseSnapshot(inflatedFixture(fixture), SHARED);
    const runIfIdle = vi.spyOn(HeapWorkerPool.prototype, 'runIfIdle');
    // (A worker is taken only when idle, which the pool learns from its replies: let them in.)
    const replies = () => new Promise((resolve) => setTimeout(resolve, 20));
    for (const options of [{ grouping: 'shape' as const }, { grouping: 'shape' as const, plainObjects: 'set' as const }]) {
      await replies();
      const expected = keysOf(here, options);
      expect(expected.shapes.length).toBeGreaterThan(0);
      expect(keysOf(shared, options)).toEqual(expected);
    }
    const census = (graph: HeapGraph) => {
      const { classes, classCounts, sample } = takeCensus(graph, { perNode: false });
      return { classes, classCounts: Array.from(classCounts), sample: [Array.from(sample.ids), Array.from(sample.classes)] };
    };
    await replies();
    expect(census(shared)).toEqual(census(here));
    // With each node's class kept (a comparison's base): the keys in shared memory of their own.
    await replies();
    const classOf = (graph: HeapGraph) => Array.from(takeCensus(graph).classOf);
    expect(classOf(shared)).toEqual(classOf(here));
    // The worker did the reading (this thread reads for the graph outside shared memory only).
    const given = runIfIdle.mock.results.filter((result) => result.value !== undefined);
    expect(given.length).toBeGreaterThanOrEqual(4);
  });
});
