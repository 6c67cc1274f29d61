// Benchmark child: heapdiff's leak detection on a series of snapshot files, as `heapdiff leaks`
// loads them (the earlier ones as censuses, the last whole), from the built package.
//   node heapdiff-leaks.mjs S0 S1 S2 …
import { analyzeGraph, findLeaks, parseSnapshot, takeCensus } from '@heapdiff/core';

const files = process.argv.slice(2);
const series = [];
for (const [i, file] of files.entries()) {
  const graph = await parseSnapshot(file);
  if (i === files.length - 1) {
    await analyzeGraph(graph);
    series.push(graph);
  } else series.push(takeCensus(graph, { perNode: false }));
}
const report = findLeaks(series);
process.send?.({ classes: report.leaks.map((l) => l.name), counts: report.leaks.map((l) => l.count), maxRssKb: process.resourceUsage().maxRSS });
