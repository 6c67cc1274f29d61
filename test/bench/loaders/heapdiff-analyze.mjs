// Benchmark child: heapdiff's full pipeline: load, retainers, distances, dominators, retained
// sizes and the class summary with retained sizes.
import { analyzeGraph, dominatorTree, parseSnapshot, summarizeClasses } from '@heapdiff/core';

const graph = await parseSnapshot(process.argv[2]);
await analyzeGraph(graph); // retainers, distances (on a worker), dominators, retained sizes
const { retainedSizes } = dominatorTree(graph);
const summary = summarizeClasses(graph, { retained: true });
process.send?.({ nodes: graph.nodeCount, classes: summary.rows.length, rootRetained: retainedSizes[graph.rootOrdinal], maxRssKb: process.resourceUsage().maxRSS });
