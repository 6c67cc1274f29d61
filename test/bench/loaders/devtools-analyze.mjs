// Benchmark child: DevTools' loader and JSHeapSnapshot initialisation (distances, dominators,
// retained sizes, …) with its second thread on a worker, as in the browser.
// argv: <loader bundle> <secondary bundle> <file> [<classes.json>: DevTools' Summary rows, written after]
import { createReadStream, writeFileSync } from 'node:fs';
import { MessageChannel, Worker } from 'node:worker_threads';

const [bundle, secondary, file, classesOut] = process.argv.slice(2);
const { HeapSnapshotLoader } = await import(bundle);
const loader = new HeapSnapshotLoader(undefined);
for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) loader.write(chunk);
loader.close();
const channel = new MessageChannel();
const worker = new Worker(secondary, { workerData: { port: channel.port2 }, transferList: [channel.port2] });
const snapshot = await loader.buildSnapshot(channel.port1);
const rootRetained = snapshot.retainedSizes[snapshot.rootNodeIndexInternal / snapshot.nodeFieldCount];
await worker.terminate();
process.send?.({ rootRetained, maxRssKb: process.resourceUsage().maxRSS });
// After the measurement: the per-node results, for the node-by-node comparison with heapdiff.
const out = process.env.HEAPDIFF_BENCH_COMPARE;
if (out) {
  const bytes = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  writeFileSync(`${out}.distances`, bytes(snapshot.nodeDistances));
  writeFileSync(`${out}.dominators`, bytes(snapshot.dominatorsTree));
  writeFileSync(`${out}.retained`, bytes(snapshot.retainedSizes));
}
// After the measurement: DevTools' Summary (every class: count, shallow and retained size),
// for the class-by-class comparison with heapdiff's summary (`pnpm bench real`). Built as
// aggregatesWithFilter({}) builds it, but keeping every class: DevTools keys closures by a
// "Function" string of its own and objects by V8's, and its public keys (",Function") then
// collide, the later class overwriting the earlier. Colliding classes are added together here
// (as heapdiff's rows of one name are) and listed.
if (classesOut) {
  const filter = snapshot.createFilter({});
  const aggregates = snapshot.buildAggregates(filter);
  snapshot.calculateClassesRetainedSize(aggregates, filter);
  const rows = {};
  const collisions = {};
  for (const [internalKey, a] of aggregates) {
    const key = typeof internalKey === 'number' ? `,${snapshot.strings[internalKey]}` : internalKey;
    const row = { count: a.count, selfSize: a.self, retainedSize: a.maxRet };
    if (rows[key]) {
      collisions[key] ??= [rows[key]];
      collisions[key].push(row);
      rows[key] = { count: rows[key].count + row.count, selfSize: rows[key].selfSize + row.selfSize, retainedSize: rows[key].retainedSize + row.retainedSize };
    } else rows[key] = row;
  }
  writeFileSync(classesOut, JSON.stringify({ rows, collisions }));
}
process.exit(0);
