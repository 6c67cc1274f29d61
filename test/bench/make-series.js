// Builds a benchmark heap, then writes a series of snapshots of it for `pnpm bench leaks`:
// s0 after the records, then after each round more records are kept for good (the leak:
// `rounds` × `leak` records) and as many made and dropped (garbage).
// Usage: node --max-old-space-size=20000 make-series.js <records> <leak per round> <snapshots> <out dir>
import { writeHeapSnapshot } from 'node:v8';
import { join } from 'node:path';
import { addRecords, newKeep } from './heap-records.js';

const [records, leak, snapshots] = process.argv.slice(2, 5).map(Number);
const dir = process.argv[5];
if (!Number.isInteger(records) || !Number.isInteger(leak) || !Number.isInteger(snapshots) || !dir) {
  console.error('usage: make-series.js <records> <leak per round> <snapshots> <out dir>');
  process.exit(2);
}
const keep = newKeep();
addRecords(keep, 0, records);
globalThis.__heapdiffBenchKeep = keep;
let next = records;
for (let s = 0; s < snapshots; s++) {
  if (s > 0) {
    addRecords(keep, next, next + leak); // kept: the leak
    next += leak;
    addRecords(newKeep(), next, next + leak); // dropped: garbage
    next += leak;
  }
  writeHeapSnapshot(join(dir, `s${s}.heapsnapshot.partial`));
}
