// `pnpm bench leaks`: leak detection, heapdiff next to memlab's find-leaks.
// 1. Precision and recall on the leak suite (test/fixtures/programs/leaks): every scenario's
//    baseline / target / final snapshots, with the known answer; memlab as shipped and with the
//    usual "all JavaScript objects" leak filter for Node heaps.
// 2. Time and peak RSS of `heapdiff leaks` on three snapshots of about 730 MB of one process
//    (generated once by make-series.js and cached outside the repository): the built CLI, run
//    as a user runs it.
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchCacheDir } from './bench-snapshots.js';
import { measure, type Tool } from './measure.js';
import { printTable } from './print-table.js';
import { writeSeries } from '../helpers/snapshot-series.js';
import { scenarios } from '../fixtures/programs/leaks/scenarios.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const cli = join(here, '../../packages/cli/bin/heapdiff.js');
const big = ['--max-old-space-size=20000'];
const seriesTool = (name: string, script: string, extra: string[] = [], execArgv: string[] = []): Tool => ({
  name,
  script: join(here, 'loaders', script),
  // The "file" is the series, joined: the loaders take every snapshot as an argument.
  args: (files) => [...files.split('\n'), ...extra],
  execArgv,
});
const TOOLS = [
  seriesTool('heapdiff', 'heapdiff-leaks.mjs'),
  seriesTool('memlab (as shipped)', 'memlab-leaks.cjs', ['shipped'], big),
  seriesTool('memlab (all JS objects)', 'memlab-leaks.cjs', ['all-js'], big),
];

export async function benchLeaks(options: { suite: boolean; big: boolean; runs: number }): Promise<void> {
  if (options.suite) await precisionRecall();
  if (options.big) await bigSeries(Math.max(1, Math.floor(options.runs) || 1));
}

async function precisionRecall(): Promise<void> {
  const rows: string[][] = [];
  const score = new Map(TOOLS.map((t) => [t.name, { found: 0, wrong: 0, missed: 0 }]));
  const leaking = Object.values(scenarios).filter((s) => s.leaks !== null).length;
  for (const [name, scenario] of Object.entries(scenarios)) {
    process.stderr.write(`  ${name}…\n`);
    const files = writeSeries(name);
    const cells = [name, scenario.leaks ?? '(none)'];
    for (const tool of TOOLS) {
      const m = await measure(tool, files.join('\n'), 10 * 60_000);
      const classes = [...new Set((m.report?.['classes'] as string[] | undefined) ?? [])];
      const s = score.get(tool.name)!;
      const hit = scenario.leaks !== null && classes.includes(scenario.leaks);
      if (hit) s.found++;
      else if (scenario.leaks !== null) s.missed++;
      s.wrong += classes.filter((c) => c !== scenario.leaks).length;
      cells.push(m.ok ? `${classes.join(', ') || '—'}${hit ? ' ✓' : scenario.leaks === null && classes.length === 0 ? ' ✓' : ' ✗'}` : `failed: ${m.error}`);
    }
    rows.push(cells);
  }
  printTable(['scenario', 'leaks', ...TOOLS.map((t) => t.name)], rows);
  console.log('');
  printTable(
    ['tool', 'leaks found (recall)', 'classes reported wrongly', 'precision'],
    TOOLS.map((t) => {
      const s = score.get(t.name)!;
      const precision = s.found + s.wrong === 0 ? '—' : `${((100 * s.found) / (s.found + s.wrong)).toFixed(0)}%`;
      return [t.name, `${s.found} of ${leaking} (${((100 * s.found) / leaking).toFixed(0)}%)`, String(s.wrong), precision];
    }),
  );
  console.log('\nA leak is found when the reported classes include the class that leaks (memlab: the class of each trace\'s leaked object); every other class reported counts as wrong.');
}

/** Three snapshots of about 730 MB of one process (405,000 records, then +4,000 kept and +4,000 dropped per round). */
async function ensureBigSeries(): Promise<string[]> {
  const dir = join(benchCacheDir(), `leaks-730mb-node${process.versions.node.split('.')[0]}`);
  const files = ['s0', 's1', 's2'].map((s) => join(dir, `${s}.heapsnapshot`));
  if (files.every((f) => existsSync(f) && statSync(f).size > 0)) return files;
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`generating ${dir} (3 snapshots of ~730 MB)…\n`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [...big, join(here, 'make-series.js'), '405000', '4000', '3', dir], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`make-series.js exited with ${code}`))));
  });
  for (const file of files) renameSync(`${file}.partial`, file);
  return files;
}

async function bigSeries(runs: number): Promise<void> {
  const files = await ensureBigSeries();
  const sizes = files.map((f) => `${(statSync(f).size / 1e6).toFixed(0)} MB`).join(' + ');
  // The built CLI as is; report-at-exit.mjs only reports its peak RSS once it is done.
  const tool: Tool = {
    name: 'heapdiff leaks',
    script: cli,
    args: (series) => ['leaks', ...series.split('\n'), '--json'],
    execArgv: ['--import', join(here, 'loaders/report-at-exit.mjs')],
    okCodes: [0, 1],
    stdout: true,
    noIpc: true,
  };
  // The files are read once first, so that every run finds them in the page cache: the timing
  // is heapdiff's, not the disk's. (This project's VM pages out file cache idle for a minute —
  // DAMON's proactive reclaim — and reads it back at ~0.8 GB/s: a first run after a pause paid
  // up to ~2.5 s more.)
  for (const file of files) await new Promise<void>((resolve, reject) => createReadStream(file, { highWaterMark: 4 << 20 }).on('data', () => {}).on('end', resolve).on('error', reject));
  // Each run a row, then their median: this VM's speed varies by a good part from run to run.
  const rows: string[][] = [];
  const done: { seconds: number; peak: number }[] = [];
  let classes = '';
  for (let r = 0; r < runs; r++) {
    process.stderr.write(`  heapdiff leaks run ${r + 1}/${runs}…\n`);
    const m = await measure(tool, files.join('\n'), 30 * 60_000);
    const leaks = m.ok ? (JSON.parse(m.stdout!) as { leaks: { name: string; count: number }[] }).leaks : [];
    classes = leaks.map((l) => `${l.name} ×${l.count}`).join(', ');
    // (What it reports is the same each run: shown once, on the last row.)
    rows.push([sizes, `heapdiff leaks, run ${r + 1}`, m.ok ? `${m.seconds.toFixed(2)} s` : `failed: ${m.error}`, `${(m.peakRssBytes / 1e9).toFixed(2)} GB`, '', '']);
    if (!m.ok) break;
    done.push({ seconds: m.seconds, peak: m.peakRssBytes });
  }
  if (done.length === runs && runs > 1) {
    const median = (values: number[]): number => {
      const sorted = values.sort((a, b) => a - b);
      const middle = sorted.length >> 1;
      return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
    };
    rows.push([sizes, `heapdiff leaks, median of ${runs}`, `${median(done.map((d) => d.seconds)).toFixed(2)} s`, `${(Math.max(...done.map((d) => d.peak)) / 1e9).toFixed(2)} GB (max)`, classes, '≤ 8 s, ≤ 1.6 GB']);
  } else rows[rows.length - 1]!.splice(4, 2, classes, '≤ 8 s, ≤ 1.6 GB');
  console.log('');
  printTable(['series', 'tool', 'wall time', 'peak RSS', 'leaks reported', 'target'], rows);
}
