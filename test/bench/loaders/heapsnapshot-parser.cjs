// Benchmark child: the heapsnapshot-parser package (JSON.parse of the whole text first).
const { readFileSync } = require('node:fs');
const { parse } = require('heapsnapshot-parser');

const snapshot = parse(readFileSync(process.argv[2], 'utf8'));
process.send?.({ nodes: snapshot.nodes.length, maxRssKb: process.resourceUsage().maxRSS });
