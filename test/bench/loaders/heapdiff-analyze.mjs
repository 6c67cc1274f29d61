// Benchmark child: heapdiff's full pipeline: load, retainers, distances, dominators, retained
// sizes and the class summary with retained sizes.
import { writeFileSync } from 'node:fs';
import { analyzeGraph, dominatorTree, nodeDistances, parseSnapshot, summarizeClasses } from '@heapdiff/core';

const graph = await parseSnapshot(process.argv[2]);
await analyzeGraph(graph); // retainers, distances (on a worker), dominators, retained sizes
const { retainedSizes } = dominatorTree(graph);
const summary = summarizeClasses(graph, { retained: true });
process.send?.({ nodes: graph.nodeCount, classes: summary.rows.length, rootRetained: retainedSizes[graph.rootOrdinal], maxRssKb: process.resourceUsage().maxRSS });
// After the measurement: the per-node results, for the node-by-node comparison with DevTools.
const out = process.env.HEAPDIFF_BENCH_COMPARE;
if (out) {
  const bytes = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  writeFileSync(`${out}.distances`, bytes(nodeDistances(graph)));
  writeFileSync(`${out}.dominators`, bytes(dominatorTree(graph).dominators));
  writeFileSync(`${out}.retained`, bytes(retainedSizes));
}
