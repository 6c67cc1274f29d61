import { createRequire, syncBuiltinESMExports } from 'node:module';
import type { Worker as WorkerType } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { inflatedFixture } from '../helpers/fixtures.js';

describe('a census whose worker has stopped', () => {
  it('reads the plain objects itself after a short wait, instead of waiting a minute and failing', async () => {
    // Every worker the pool starts, to end them behind its back (as a crash would): the pool
    // learns of it from an event this thread cannot take while it waits for the worker.
    const require = createRequire(import.meta.url);
    const threads = require('node:worker_threads') as { Worker: typeof WorkerType };
    const Original = threads.Worker;
    const started: WorkerType[] = [];
    threads.Worker = class extends Original {
      constructor(...args: ConstructorParameters<typeof WorkerType>) {
        super(...args);
        started.push(this);
      }
    } as typeof WorkerType;
    syncBuiltinESMExports();
    try {
      const { parseSnapshot, shallowSizes, takeCensus } = await import('@heapdiff/core');
      const expected = takeCensus(await parseSnapshot(inflatedFixture(20), { workers: 0 }), { perNode: false });
      const graph = await parseSnapshot(inflatedFixture(20), { parallelMinValues: 1 });
      shallowSizes(graph);
      expect(started.length).toBeGreaterThan(0);
      // Ended, and given time to stop, without this thread taking their 'exit' events.
      for (const worker of started) void worker.terminate();
      const stopping = Date.now();
      while (Date.now() - stopping < 300);
      const begin = Date.now();
      const census = takeCensus(graph, { perNode: false });
      expect(Date.now() - begin).toBeLessThan(10_000);
      expect(census.classes).toEqual(expected.classes);
      expect(Array.from(census.classCounts)).toEqual(Array.from(expected.classCounts));
    } finally {
      threads.Worker = Original;
      syncBuiltinESMExports();
    }
  });
});
