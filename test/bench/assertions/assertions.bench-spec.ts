// Measured in a vitest worker whose heap is brought to about 30 MB: one v8.writeHeapSnapshot(),
// a passing and a failing not.toLeak(), a passing toBeCollected(), and memlab's way to check a
// collection (tagObject + takeNodeMinimalHeap + hasObjectWithTag). Results go to $BENCH_OUT.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import { collectGarbage } from '@heapdiff/core/runtime';
import { trackCollection } from '@heapdiff/core/vitest';
import { expect, it } from 'vitest';
import { scenarios } from '../../fixtures/programs/leaks/scenarios.mjs';

const TARGET_BYTES = 30 * 1024 * 1024;
const ballast: object[] = [];
const results: Record<string, number[] | number> = {};

const time = async (name: string, runs: number, task: () => Promise<unknown> | unknown): Promise<void> => {
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    await task();
    ms.push(performance.now() - started);
  }
  results[name] = ms;
};
const scenarioOf = (name: string): (() => unknown) => {
  const made = scenarios[name]!.make();
  let i = 0;
  return () => made.iteration(i++);
};

it('measures', async () => {
  // Records as an app keeps them, until the heap in use reaches the target.
  while (getHeapStatistics().used_heap_size < TARGET_BYTES) {
    for (let i = 0; i < 5000; i++) ballast.push({ id: i, name: `record ${i}`, tags: ['a', 'b'] });
  }
  await collectGarbage();
  results['heapBytes'] = getHeapStatistics().used_heap_size;
  const dir = mkdtempSync(join(tmpdir(), 'heapdiff-bench-'));
  try {
    await time('writeHeapSnapshot', 2, () => writeHeapSnapshot(join(dir, 'x.heapsnapshot')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const { queryObjects } = (await import('node:v8')) as unknown as { queryObjects(c: unknown, o: { format: 'count' }): number };
  await time('(one v8.queryObjects count)', 3, () => queryObjects(Object, { format: 'count' }));
  await time('(one HeapProfiler.collectGarbage)', 3, () => collectGarbage());
  await time('passing not.toLeak()', 3, () => expect(scenarioOf('garbage')).not.toLeak());
  await time('failing not.toLeak()', 2, () => expect(expect(scenarioOf('owner-children')).not.toLeak()).rejects.toThrow(/leak: Session/));
  await time('passing toBeCollected()', 5, async () => {
    let value: object | undefined = { payload: new Array(100).fill(0) };
    const tracker = trackCollection(value);
    value = undefined;
    await expect(tracker).toBeCollected();
  });
  const memlab = (await import('@memlab/core')) as unknown as {
    config: { muteConsole: boolean };
    tagObject(o: object, tag: string): object;
    takeNodeMinimalHeap(): Promise<{ hasObjectWithTag(tag: string): boolean }>;
  };
  memlab.config.muteConsole = true;
  await time('memlab: tagObject + takeNodeMinimalHeap', 2, async () => {
    let value: object | undefined = memlab.tagObject({ payload: new Array(100).fill(0) }, 'bench-dropped');
    value = undefined;
    const heap = await memlab.takeNodeMinimalHeap();
    // Recorded, not asserted: memlab's answer for an object nothing holds.
    results['memlab says the dropped object is alive'] = Number(heap.hasObjectWithTag('bench-dropped')) + Number(Boolean(value));
  });
  writeFileSync(process.env['BENCH_OUT']!, JSON.stringify(results));
  expect(ballast.length).toBeGreaterThan(0);
});
