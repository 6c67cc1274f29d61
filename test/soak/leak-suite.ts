// Runs every leak scenario many times and counts the runs heapdiff gets wrong: a leaking
// program must report exactly its one leak under its owner's name, a no-leak twin nothing.
//
//   pnpm soak:leaks [--runs 20] [--node /path/to/node]... [--only listener,request-listener]
//
// Each run is a fresh process writing 3 snapshots (fixtures/programs/leaks), then findLeaks on
// them. Prints one line per scenario and Node, and exits 1 if any run was wrong.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { findLeaks, parseSnapshot, takeCensus } from '@heapdiff/core';
import { nodeForBigScriptSnapshots } from '../helpers/node-for-snapshots.js';
import { writeSeries } from '../helpers/snapshot-series.js';
import { scenarios } from '../fixtures/programs/leaks/scenarios.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, node: { type: 'string', multiple: true }, only: { type: 'string' } } });
const only = values.only?.split(',').map((name) => name.trim());
const unknown = only?.filter((name) => !(name in scenarios));
if (unknown?.length) {
  console.error(`soak:leaks: no scenario ${unknown.join(', ')}; they are ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
const runs = Number(values.runs);
const nodes = values.node ?? [...new Set([process.execPath, nodeForBigScriptSnapshots()].filter((n): n is string => n !== undefined))];

async function once(name: string, node: string): Promise<string> {
  const files = writeSeries(name, { node });
  try {
    const series = [];
    for (const [i, file] of files.entries()) {
      const graph = await parseSnapshot(file);
      series.push(i === files.length - 1 ? graph : takeCensus(graph));
    }
    return findLeaks(series).leaks.map((l) => `${l.name} ×${l.count}`).join(', ');
  } finally {
    rmSync(dirname(files[0]!), { recursive: true, force: true });
  }
}

let wrong = 0;
for (const node of nodes) {
  for (const [name, scenario] of Object.entries(scenarios).filter(([name]) => !only || only.includes(name))) {
    const errors = new Map<string, number>();
    for (let run = 0; run < runs; run++) {
      let found: string;
      try {
        found = await once(name, node);
      } catch (error) {
        found = `failed: ${(error as Error).message.split('\n')[0]}`;
      }
      const right = scenario.leaks === null ? found === '' : found.split(', ').length === 1 && found.startsWith(`${scenario.leaks} ×`);
      if (!right) errors.set(found || '(nothing)', (errors.get(found || '(nothing)') ?? 0) + 1);
    }
    const bad = [...errors.values()].reduce((a, b) => a + b, 0);
    wrong += bad;
    const detail = bad === 0 ? '' : `  — ${[...errors].map(([what, n]) => `${n}× ${what}`).join('; ')}`;
    console.log(`${node === process.execPath ? `node ${process.version}` : node}  ${name.padEnd(17)} ${runs - bad}/${runs} right${detail}`);
  }
}
console.log(wrong === 0 ? 'no wrong runs' : `${wrong} wrong runs`);
process.exitCode = wrong === 0 ? 0 : 1;
