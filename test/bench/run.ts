// `pnpm bench parse` / `pnpm bench analyze`: times whole processes loading (or loading and
// analysing: retainers, distances, dominators, retained sizes) the same snapshots with
// heapdiff and its peers, and prints wall time, peak RSS and ratios side by side.
//   pnpm bench parse|analyze [--sizes 90mb,730mb,1.8gb] [--tools heapdiff,devtools,memlab,heapsnapshot-parser] [--runs N]
//   pnpm bench leaks [--only suite|big] [--runs N]: leak detection next to memlab, and the big series
//     timed N times (default 3: each run and their median) (see leaks-bench.ts)
//   pnpm bench assertions: what the leak assertions cost in a vitest worker (see assertions-bench.ts)
//   pnpm bench ui [--sizes 730mb]: the terminal UI's launch and key-to-frame times (see ui-bench.ts)
//   pnpm bench real [--files express-8mb,tsc-150mb,tsc-2gb] [--runs N]: `heapdiff summary` on
//     snapshots of real programs next to DevTools and memlab (see real-bench.ts)
import { fork } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildDevToolsLoader } from '../helpers/devtools/build-devtools-loader.js';
import { measure, type Measurement, type Tool } from './measure.js';
import { printTable } from './print-table.js';
import { benchCacheDir, ensureBenchSnapshot, ALL_BENCH_SIZES, BENCH_SIZES, type BenchSize } from './bench-snapshots.js';

const here = fileURLToPath(new URL('.', import.meta.url));

async function tools(mode: 'parse' | 'analyze'): Promise<Tool[]> {
  const devtools = await buildDevToolsLoader();
  const big = ['--max-old-space-size=20000'];
  if (mode === 'analyze') {
    return [
      { name: 'heapdiff', script: join(here, 'loaders/heapdiff-analyze.mjs'), args: (f) => [f], execArgv: [] },
      { name: 'devtools', script: join(here, 'loaders/devtools-analyze.mjs'), args: (f) => [devtools.loader, devtools.secondary, f], execArgv: big },
      { name: 'memlab', script: join(here, 'loaders/memlab-analyze.cjs'), args: (f) => [f], execArgv: big },
    ];
  }
  return [
    { name: 'heapdiff', script: join(here, 'loaders/heapdiff.mjs'), args: (f) => [f], execArgv: [] },
    { name: 'devtools', script: join(here, 'loaders/devtools.mjs'), args: (f) => [devtools.loader, f], execArgv: big },
    { name: 'memlab', script: join(here, 'loaders/memlab.cjs'), args: (f) => [f], execArgv: big },
    { name: 'heapsnapshot-parser', script: join(here, 'loaders/heapsnapshot-parser.cjs'), args: (f) => [f], execArgv: big },
  ];
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(2)} GB`;

async function bench(mode: 'parse' | 'analyze', sizes: BenchSize[], toolNames: string[], runs: number): Promise<void> {
  const all = (await tools(mode)).filter((t) => toolNames.includes(t.name));
  const rows: string[][] = [];
  const comparisons: string[] = [];
  for (const size of sizes) {
    const file = await ensureBenchSnapshot(size, (m) => process.stderr.write(`${m}\n`));
    const bytes = statSync(file).size;
    const results = new Map<string, Measurement>();
    const compareBase = join(benchCacheDir(), `compare-${size}`);
    for (const tool of all) {
      let best: Measurement | undefined;
      // heapdiff is quick to run: take the best of at least three to tame a noisy machine.
      const toolRuns = tool.name === 'heapdiff' ? Math.max(3, runs) : runs;
      for (let r = 0; r < toolRuns; r++) {
        process.stderr.write(`  ${size} ${tool.name} run ${r + 1}/${toolRuns}…\n`);
        const compare = mode === 'analyze' && r === 0 && (tool.name === 'heapdiff' || tool.name === 'devtools') ? `${compareBase}-${tool.name}` : undefined;
        const m = await measure(tool, file, 15 * 60_000, compare);
        if (!best || (m.ok && (!best.ok || m.seconds < best.seconds))) best = m;
        if (!m.ok) break;
      }
      results.set(tool.name, best!);
    }
    if (mode === 'analyze' && results.get('heapdiff')?.ok && results.get('devtools')?.ok) {
      comparisons.push(`${size}: ${compareNodeByNode(`${compareBase}-heapdiff`, `${compareBase}-devtools`)}`);
    }
    const ours = results.get('heapdiff');
    for (const [name, m] of results) {
      const ratio = ours?.ok && m.ok && name !== 'heapdiff' ? `${(m.seconds / ours.seconds).toFixed(1)}× / ${(m.peakRssBytes / ours.peakRssBytes).toFixed(1)}×` : '';
      rows.push([
        `${size} (${(bytes / 1e6).toFixed(0)} MB)`,
        name,
        m.ok ? `${m.seconds.toFixed(2)} s` : 'failed',
        m.ok ? gb(m.peakRssBytes) : (m.error ?? ''),
        ratio,
        ...(mode === 'analyze' ? [m.rootRetained === undefined ? '' : String(m.rootRetained)] : []),
      ]);
    }
  }
  printTable(['snapshot', mode === 'parse' ? 'loader' : 'pipeline', 'wall time', 'peak RSS', 'time / RSS vs heapdiff', ...(mode === 'analyze' ? ['root retained size'] : [])], rows);
  for (const comparison of comparisons) console.log(comparison);
}


/** Compares the per-node results two loaders wrote: equal, or the first nodes that differ. */
function compareNodeByNode(ours: string, theirs: string): string {
  const parts: string[] = [];
  for (const [suffix, Kind] of [['distances', Int32Array], ['dominators', Uint32Array], ['retained', Float64Array]] as const) {
    const a = readFileSync(`${ours}.${suffix}`);
    const b = readFileSync(`${theirs}.${suffix}`);
    if (a.equals(b)) {
      parts.push(`${suffix} equal`);
      continue;
    }
    const x = new Kind(a.buffer, a.byteOffset, a.byteLength / Kind.BYTES_PER_ELEMENT);
    const y = new Kind(b.buffer, b.byteOffset, b.byteLength / Kind.BYTES_PER_ELEMENT);
    let at = 0;
    while (at < x.length && x[at] === y[at]) at++;
    parts.push(`${suffix} DIFFER (first at node ${at}: ${x[at]} vs ${y[at]}; lengths ${x.length}/${y.length})`);
  }
  return `node by node vs DevTools: ${parts.join(', ')}`;
}

interface MarkCosts {
  heapMb: number;
  snapshotMs: number;
  snapshotBytes: number;
  plain: { markMs: number; allocMs: number; diffMs: number; fresh: number };
  tracking: { markMs: number; allocMs: number; diffMs: number; fresh: number };
}

/** `pnpm bench mark`: a relative-heap mark's cost next to a heap snapshot's, in one process. */
async function benchMark(mb: number): Promise<void> {
  const dir = join(benchCacheDir(), 'mark');
  mkdirSync(dir, { recursive: true });
  const costs = await new Promise<MarkCosts>((resolve, reject) => {
    const child = fork(join(here, 'loaders/mark-cost.mjs'), [String(mb), dir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (m) => resolve(m as MarkCosts));
    child.on('exit', (code) => reject(new Error(`the mark benchmark exited with code ${code}`)));
  });
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`heap: ${costs.heapMb.toFixed(0)} MB used; its snapshot: ${(costs.snapshotBytes / 1e6).toFixed(0)} MB\n`);
  const rows = [
    ['writeSnapshot()', s(costs.snapshotMs), '', '', ''],
    ['markHeap()', s(costs.plain.markMs), s(costs.plain.allocMs), s(costs.plain.diffMs), String(costs.plain.fresh)],
    ['markHeap({ trackAllocations })', s(costs.tracking.markMs), s(costs.tracking.allocMs), s(costs.tracking.diffMs), String(costs.tracking.fresh)],
  ];
  printTable(['', 'mark (or snapshot)', '100,000 allocations after', 'diff()', 'new objects found'], rows);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    sizes: { type: 'string', default: BENCH_SIZES.join(',') },
    tools: { type: 'string', default: 'heapdiff,devtools,memlab,heapsnapshot-parser' },
    runs: { type: 'string', default: '1' },
    mb: { type: 'string', default: '50' },
    only: { type: 'string' },
    files: { type: 'string' },
  },
});
const command = positionals[0];
const sizes = values.sizes.split(',') as BenchSize[];
for (const size of sizes) {
  if (!ALL_BENCH_SIZES.includes(size)) {
    console.error(`bench: unknown size "${size}"; choose from ${ALL_BENCH_SIZES.join(', ')}`);
    process.exit(2);
  }
}
if (command === 'parse' || command === 'analyze') {
  const defaultTools = command === 'parse' ? values.tools : values.tools.replace(',heapsnapshot-parser', '');
  await bench(command, sizes, defaultTools.split(','), Number(values.runs));
} else if (command === 'mark') {
  await benchMark(Number(values.mb));
} else if (command === 'assertions') {
  const { benchAssertions } = await import('./assertions-bench.js');
  benchAssertions();
} else if (command === 'ui') {
  const { benchUi } = await import('./ui-bench.js');
  await benchUi(values.sizes === BENCH_SIZES.join(',') ? ['730mb'] : sizes);
} else if (command === 'real') {
  const { benchReal } = await import('./real-bench.js');
  const { ALL_REAL_FILES, REAL_FILES } = await import('./real-snapshots.js');
  const files = values.files === undefined ? REAL_FILES : (values.files.split(',') as typeof REAL_FILES);
  const unknown = files.find((f) => !ALL_REAL_FILES.includes(f));
  if (unknown !== undefined) {
    console.error(`bench: unknown file "${unknown}"; choose from ${ALL_REAL_FILES.join(', ')}`);
    process.exit(2);
  }
  await benchReal(files, Number(values.runs));
} else if (command === 'leaks') {
  const { benchLeaks } = await import('./leaks-bench.js');
  const only = values.only;
  // The big series: three runs unless told (the first after the machine sat idle is often the slowest).
  const runs = process.argv.includes('--runs') ? Number(values.runs) : 3;
  await benchLeaks({ suite: only !== 'big', big: only !== 'suite', runs });
} else {
  console.error(`usage: pnpm bench real [--files express-8mb,tsc-150mb,tsc-2gb] [--runs N] | pnpm bench mark [--mb 50] | pnpm bench assertions | pnpm bench leaks [--only suite|big] [--runs N] | pnpm bench ui [--sizes 730mb] | pnpm bench parse|analyze [--sizes ${ALL_BENCH_SIZES.join(',')}] [--tools heapdiff,devtools,memlab,heapsnapshot-parser] [--runs N]`);
  process.exit(2);
}
