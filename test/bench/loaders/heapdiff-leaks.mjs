// Benchmark child: heapdiff's leak detection on a series of snapshot files, as `heapdiff leaks`
// loads them (packages/cli/src/load-series.ts: the earlier ones as censuses, each graph's
// memory reused by the next load, the last whole), from the built package.
//   node heapdiff-leaks.mjs S0 S1 S2 …
import { analyzeGraph, findLeaks, parseSnapshot, takeCensus } from '@heapdiff/core';
import { collectGarbage } from '@heapdiff/core/runtime';

const files = process.argv.slice(2);
const series = [];
let previous;
for (const file of files.slice(0, -1)) {
  previous = await parseSnapshot(file, previous ? { reuse: previous } : {});
  series.push(takeCensus(previous, { perNode: false }));
  await collectGarbage();
}
const last = await parseSnapshot(files[files.length - 1], previous ? { reuse: previous } : {});
await analyzeGraph(last);
series.push(last);
const report = findLeaks(series);
process.send?.({ classes: report.leaks.map((l) => l.name), counts: report.leaks.map((l) => l.count), maxRssKb: process.resourceUsage().maxRSS });
