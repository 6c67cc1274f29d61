// Benchmark child: heapdiff's load (parse + indexes + class summary), from the built package.
import { parseSnapshot, summarizeClasses } from '@heapdiff/core';

const file = process.argv[2];
const graph = await parseSnapshot(file);
const summary = summarizeClasses(graph);
process.send?.({ nodes: graph.nodeCount, classes: summary.rows.length, maxRssKb: process.resourceUsage().maxRSS });
