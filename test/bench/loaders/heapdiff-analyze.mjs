// Benchmark child: heapdiff's full pipeline: load, retainers, distances, dominators, retained
// sizes and the class summary with retained sizes.
import { dominatorTree, nodeDistances, parseSnapshot, summarizeClasses } from '@heapdiff/core';

const graph = await parseSnapshot(process.argv[2]);
void graph.retainers;
nodeDistances(graph);
const { retainedSizes } = dominatorTree(graph);
const summary = summarizeClasses(graph, { retained: true });
process.send?.({ nodes: graph.nodeCount, classes: summary.rows.length, rootRetained: retainedSizes[graph.rootOrdinal], maxRssKb: process.resourceUsage().maxRSS });
