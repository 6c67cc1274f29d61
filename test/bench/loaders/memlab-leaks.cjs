// Benchmark child: memlab's find-leaks on a baseline / target / final series, as its CLI runs
// it (`memlab find-leaks --baseline … --target … --final …`), through @memlab/core. Reports the
// class of each leak trace's leaked object (the trace's last node).
//   node memlab-leaks.cjs BASELINE TARGET FINAL [shipped|all-js]
// `shipped`: memlab's own leak rules; `all-js`: the usual filter for Node heaps, every
// JavaScript object and closure allocated in the target and alive in the final snapshot.
const { config, analysis, fileManager, info } = require('@memlab/core');
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

async function main() {
  const [baseline, target, final, filter = 'shipped'] = process.argv.slice(2);
  config.useExternalSnapshot = true;
  config.externalSnapshotFilePaths = [baseline, target, final];
  fileManager.initDirs(config, { workDir: mkdtempSync(join(tmpdir(), 'memlab-bench-')) });
  if (filter === 'all-js') config.externalLeakFilter = { leakFilter: (node) => node.type === 'object' || node.type === 'closure' };
  info.setConsoleMode?.(4); // silent
  const traces = await analysis.checkLeak();
  const classes = traces.map(leakedClass).filter((name) => name !== undefined);
  process.send?.({ classes, maxRssKb: process.resourceUsage().maxRSS });
}

/** The leaked object of a serialized trace: its deepest step, keyed `N: --edge--->  [Class](type) @id …`. */
function leakedClass(trace) {
  let best;
  const walk = (value) => {
    if (!value || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      const match = /^(\d+):\s+(?:--.*?--->\s+)?\[(.*?)\]\((.*?)\) @\d+/.exec(key);
      if (match && (!best || Number(match[1]) > best.step)) best = { step: Number(match[1]), name: match[2] };
      walk(inner);
    }
  };
  walk(trace);
  return best?.name;
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
