// `pnpm bench real [--files express-8mb,tsc-150mb,tsc-2gb] [--runs N]`: heapdiff's full
// `summary --json`, run as a user runs it (the built CLI), next to DevTools' full snapshot
// initialisation and memlab's load and path finder, on snapshots of real programs
// (real-snapshots.ts); then checks heapdiff's numbers class by class against DevTools', and
// times `heapdiff --help` against `node -e 0`.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDevToolsLoader } from '../helpers/devtools/build-devtools-loader.js';
import { ourRowsByKey, type ClassRow } from '../helpers/devtools/class-rows.js';
import { benchCacheDir } from './bench-snapshots.js';
import { measure, type Measurement, type Tool } from './measure.js';
import { printTable } from './print-table.js';
import { describeSnapshot, ensureRealSnapshot, type RealFile, type RealSnapshot } from './real-snapshots.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const cli = join(here, '../../packages/cli/bin/heapdiff.js');
const big = ['--max-old-space-size=20000'];
const MB = 1e6;

/** The issue's targets for a file of this size: DevTools' time over heapdiff's, heapdiff's RSS over DevTools'. */
function target(bytes: number): { speedup: number; rss?: number } | undefined {
  if (bytes >= 5 * MB && bytes <= 25 * MB) return { speedup: 3 };
  if (bytes >= 100 * MB && bytes <= 200 * MB) return { speedup: 5 };
  if (bytes >= 2e9) return { speedup: 5, rss: 0.4 };
  return undefined;
}

async function tools(): Promise<{ heapdiff: Tool; devtools: (classesOut?: string) => Tool; memlab: Tool }> {
  const devtools = await buildDevToolsLoader();
  return {
    // The built CLI as is; report-at-exit.mjs only reports its peak RSS once it is done.
    heapdiff: { name: 'heapdiff', script: cli, args: (f) => ['summary', f, '--json'], execArgv: ['--import', join(here, 'loaders/report-at-exit.mjs')], noIpc: true },
    devtools: (classesOut) => ({
      name: 'devtools',
      script: join(here, 'loaders/devtools-analyze.mjs'),
      args: (f) => [devtools.loader, devtools.secondary, f, ...(classesOut ? [classesOut] : [])],
      execArgv: big,
    }),
    memlab: { name: 'memlab', script: join(here, 'loaders/memlab-analyze.cjs'), args: (f) => [f], execArgv: big },
  };
}

/** Best (quickest successful) of `runs` measurements; `first` is the tool of the first run. */
async function best(label: string, tool: Tool, file: string, runs: number, first: Tool = tool): Promise<Measurement> {
  let found: Measurement | undefined;
  for (let r = 0; r < runs; r++) {
    process.stderr.write(`  ${label} ${tool.name} run ${r + 1}/${runs}…`);
    const m = await measure(r === 0 ? first : tool, file, 30 * 60_000);
    process.stderr.write(m.ok ? ` ${m.seconds.toFixed(2)} s, ${(m.peakRssBytes / 1e9).toFixed(2)} GB\n` : ` failed: ${m.error}\n`);
    if (!found || (m.ok && (!found.ok || m.seconds < found.seconds))) found = m;
    if (!m.ok) break;
  }
  return found!;
}

/** heapdiff's `summary --json` (one more, untimed run of the CLI), by DevTools' class keys. */
async function heapdiffRows(file: string, jsonOut: string): Promise<Record<string, ClassRow>> {
  const fd = openSync(jsonOut, 'w');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'summary', file, '--json'], { stdio: ['ignore', fd, 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`heapdiff summary exited with ${code}`))));
  });
  closeSync(fd);
  const summary = JSON.parse(readFileSync(jsonOut, 'utf8')) as {
    classes: { className: string; location?: { scriptId: number; line: number; column: number }; count: number; selfSize: number; retainedSize: number }[];
  };
  // The JSON's lines and columns are 1-based; DevTools keys by V8's 0-based ones.
  const rows = summary.classes.map(({ location: at, ...row }) => ({
    ...row,
    ...(at ? { location: { ...at, line: at.line - 1, column: at.column - 1 } } : {}),
  }));
  return ourRowsByKey({ rows });
}

/** Every class of both summaries: count, shallow size and retained size equal, or the first that differ. */
function compareClasses(ours: Record<string, ClassRow>, theirs: Record<string, ClassRow>): string {
  const keys = new Set([...Object.keys(ours), ...Object.keys(theirs)]);
  const differ: Record<'count' | 'selfSize' | 'retainedSize', string[]> = { count: [], selfSize: [], retainedSize: [] };
  for (const key of keys) {
    for (const field of ['count', 'selfSize', 'retainedSize'] as const) {
      if (ours[key]?.[field] !== theirs[key]?.[field]) differ[field].push(`${key}: ${ours[key]?.[field]} vs ${theirs[key]?.[field]}`);
    }
  }
  const equal = (field: keyof typeof differ, what: string) =>
    differ[field].length === 0 ? `${what} equal` : `${what} DIFFER in ${differ[field].length} (first: ${differ[field].slice(0, 3).join('; ')})`;
  return `${keys.size.toLocaleString('en-US')} classes vs DevTools' Summary: ${equal('count', 'counts')}, ${equal('selfSize', 'shallow sizes')}, ${equal('retainedSize', 'retained sizes')}`;
}

/** Wall time of one process run to its exit, output discarded. */
function timeProcess(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - started) / 1e9) : reject(new Error(`node ${args.join(' ')} exited with ${code}`))));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (seconds: number) => (seconds < 1 ? `${(seconds * 1000).toFixed(0)} ms` : `${seconds.toFixed(2)} s`);
const gb = (bytes: number) => `${(bytes / 1e9).toFixed(2)} GB`;
const x = (ratio: number) => `${ratio.toFixed(2)}×`;

export async function benchReal(names: RealFile[], runs: number): Promise<void> {
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const snapshots: RealSnapshot[] = [];
  for (const name of names) snapshots.push(await ensureRealSnapshot(name, log));
  const all = await tools();
  const rows: string[][] = [];
  const checks: string[] = [];
  for (const snap of snapshots) {
    const label = `${snap.name} (${snap.bytes >= 1e9 ? `${(snap.bytes / 1e9).toFixed(2)} GB` : `${(snap.bytes / MB).toFixed(1)} MB`}, ${(snap.nodes / 1e6).toFixed(2)} M nodes)`;
    const compare = join(benchCacheDir(), `compare-real-${snap.name}`);
    const devtoolsRuns = snap.bytes < 300 * MB ? Math.max(3, runs) : runs;
    for (const suffix of ['-devtools.classes.json', '-heapdiff.json']) rmSync(`${compare}${suffix}`, { force: true });
    const results: [string, Measurement][] = [
      ['heapdiff', await best(snap.name, all.heapdiff, snap.file, Math.max(3, runs))],
      // The first DevTools run also writes its Summary rows, after its measurement.
      ['devtools', await best(snap.name, all.devtools(), snap.file, devtoolsRuns, all.devtools(`${compare}-devtools.classes.json`))],
      ['memlab', await best(snap.name, all.memlab, snap.file, runs)],
    ];
    const ours = results[0]![1];
    const devtools = results[1]![1];
    for (const [name, m] of results) {
      let ratios = ['', ''];
      let met = '';
      if (name !== 'heapdiff' && ours.ok && m.ok) {
        const speedup = m.seconds / ours.seconds;
        const rss = ours.peakRssBytes / m.peakRssBytes;
        ratios = [x(speedup), x(rss)];
        const t = name === 'devtools' ? target(snap.bytes) : undefined;
        if (t) {
          const parts = [`time ≥ ${t.speedup}×: ${speedup >= t.speedup ? 'met' : 'MISSED'}`];
          if (t.rss !== undefined) parts.push(`RSS ≤ ${t.rss}×: ${rss <= t.rss ? 'met' : 'MISSED'}`);
          met = parts.join(', ');
        }
      }
      const runsOf = name === 'heapdiff' ? Math.max(3, runs) : name === 'devtools' ? devtoolsRuns : runs;
      rows.push([
        name === 'heapdiff' ? label : '',
        `${name}${name === 'heapdiff' ? ' summary --json' : name === 'devtools' ? ' init' : ''} (best of ${runsOf})`,
        m.ok ? s(m.seconds) : 'failed',
        m.ok ? gb(m.peakRssBytes) : (m.error ?? ''),
        ...ratios,
        met,
      ]);
    }
    if (ours.ok && devtools.ok) {
      const theirs = JSON.parse(readFileSync(`${compare}-devtools.classes.json`, 'utf8')) as { rows: Record<string, ClassRow>; collisions: Record<string, ClassRow[]> };
      checks.push(`${snap.name}: ${compareClasses(await heapdiffRows(snap.file, `${compare}-heapdiff.json`), theirs.rows)}`);
      for (const [key, classes] of Object.entries(theirs.collisions)) {
        checks.push(`  (DevTools has ${classes.length} classes under the key "${key}", of ${classes.map((c) => c.count).join(' and ')} objects; its Summary shows only the last, heapdiff's shows them all: compared added together)`);
      }
    }
  }

  // Start-up: `heapdiff --help` against a bare `node -e 0`, alternating, median of 15 each.
  const help: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 15; i++) {
    help.push(await timeProcess([cli, '--help']));
    bare.push(await timeProcess(['-e', '0']));
  }
  rows.push(['start-up (median of 15, alternating)', 'heapdiff --help', s(median(help)), '', '', '', `≤ 2× node -e 0: ${median(help) / median(bare) <= 2 ? 'met' : 'MISSED'} (${x(median(help) / median(bare))})`]);
  rows.push(['', 'node -e 0', s(median(bare)), '', '', '', '']);

  for (const snap of snapshots) console.log(`${snap.name}: ${snap.file}\n  ${describeSnapshot(snap)}`);
  console.log();
  printTable(['snapshot', 'tool', 'wall time', 'peak RSS', 'time: tool / heapdiff', 'RSS: heapdiff / tool', 'target (vs DevTools)'], rows);
  console.log();
  for (const check of checks) console.log(check);
}
