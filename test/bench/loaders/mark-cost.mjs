// Benchmark child for `pnpm bench mark`: what a relative-heap mark costs next to a plain heap
// snapshot, on a heap of about `mb` megabytes, in one process (built package).
//   node mark-cost.mjs <mb> <scratch dir>
import { join } from 'node:path';
import { markHeap, writeSnapshot } from '@heapdiff/core/capture';

const mb = Number(process.argv[2]);
const dir = process.argv[3];
class Record {
  constructor(i) {
    this.id = i;
    this.name = `record-${i}`;
    this.tags = [i];
  }
}
class Fresh {
  constructor(i) {
    this.i = i;
  }
}
// About 150 bytes a record (object, string, array): fill to the asked heap size.
globalThis.records = [];
while (process.memoryUsage().heapUsed < mb * 1024 * 1024) {
  for (let i = 0; i < 10_000; i++) globalThis.records.push(new Record(globalThis.records.length));
}
const kept = [];
const allocate = () => {
  const started = performance.now();
  for (let i = 0; i < 100_000; i++) kept.push(new Fresh(i));
  return performance.now() - started;
};
const time = async (work) => {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
};

const heapMb = process.memoryUsage().heapUsed / 1024 / 1024;
const snapshot = await time(() => writeSnapshot(join(dir, 'mark-bench.heapsnapshot')));
const plainMark = await time(() => markHeap());
const plainAlloc = allocate();
const plainDiff = await time(() => plainMark.result.diff());
const trackingMark = await time(() => markHeap({ trackAllocations: true }));
const trackingAlloc = allocate();
const trackingDiff = await time(() => trackingMark.result.diff());
const count = (rel) => rel.groups.find((g) => g.className === 'Fresh')?.count ?? 0;
process.send?.({
  heapMb,
  snapshotMs: snapshot.ms,
  snapshotBytes: snapshot.result.bytes,
  plain: { markMs: plainMark.ms, allocMs: plainAlloc, diffMs: plainDiff.ms, fresh: count(plainDiff.result) },
  tracking: { markMs: trackingMark.ms, allocMs: trackingAlloc, diffMs: trackingDiff.ms, fresh: count(trackingDiff.result) },
});
