// Builds a heap of many objects of varied shapes, then writes a snapshot of it.
// Usage: node --max-old-space-size=16000 make-heap.js <records> <out.heapsnapshot>
// Run by generate-snapshots.ts in a child process; plain JS so it needs no build.
import { writeHeapSnapshot } from 'node:v8';
import { addRecords, newKeep } from './heap-records.js';

const records = Number(process.argv[2]);
const out = process.argv[3];
if (!Number.isInteger(records) || records <= 0 || !out) {
  console.error('usage: make-heap.js <records> <out.heapsnapshot>');
  process.exit(2);
}

const keep = newKeep();
addRecords(keep, 0, records);
globalThis.__heapdiffBenchKeep = keep;
writeHeapSnapshot(out);
