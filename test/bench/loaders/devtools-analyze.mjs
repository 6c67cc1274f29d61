// Benchmark child: DevTools' loader and JSHeapSnapshot initialisation (distances, dominators,
// retained sizes, …) with its second thread on a worker, as in the browser.
// argv: <loader bundle> <secondary bundle> <file>
import { createReadStream, writeFileSync } from 'node:fs';
import { MessageChannel, Worker } from 'node:worker_threads';

const [bundle, secondary, file] = process.argv.slice(2);
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
process.exit(0);
