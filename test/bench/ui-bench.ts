// `pnpm bench ui [--sizes 730mb]`: the terminal UI on a big snapshot.
//  - launch: `heapdiff ui FILE` in a real terminal (tmux) until its first interactive frame,
//    next to `heapdiff summary FILE` run to completion (target: ≤ the summary's time + 1 s);
//  - keys: with the largest class's instance list open, the time from a key to the frame it
//    draws, median and p99 (target: p99 ≤ 50 ms), plus the first sort by a new column.
import { execFileSync, fork, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBenchSnapshot, type BenchSize } from './bench-snapshots.js';
import { printTable } from './print-table.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const HEAPDIFF = fileURLToPath(new URL('../../packages/cli/bin/heapdiff.js', import.meta.url));
const RUNS = 5;

interface KeyReport {
  loadedMs: number;
  largest: { className: string; count: number };
  openMs: number;
  times: Record<'move' | 'page' | 'jump', number[]>;
  sorts: Record<string, number>;
  reverse: number;
  detailMs: number;
  backMs: number;
  maxRssKb: number;
}

export async function benchUi(sizes: readonly BenchSize[]): Promise<void> {
  if (spawnSync('tmux', ['-V']).status !== 0) {
    console.error('bench ui: needs tmux to run the UI in a real terminal (apt-get install tmux)');
    process.exit(2);
  }
  for (const size of sizes) {
    const file = await ensureBenchSnapshot(size, (m) => process.stderr.write(`${m}\n`));
    const summary: number[] = [];
    const firstFrame: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      process.stderr.write(`  ${size} run ${run + 1}/${RUNS}: summary, then the UI to its first frame…\n`);
      summary.push(await wallTime(process.execPath, [HEAPDIFF, 'summary', file]));
      firstFrame.push(await uiFirstFrame(file));
    }
    process.stderr.write(`  ${size}: keys in the largest class's instance list…\n`);
    const keys = await keyLatencies(file);
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const best = (xs: number[]) => Math.min(...xs);
    console.log(`\n${size}: launch (best of ${RUNS}, whole processes)`);
    printTable(
      ['', 'time', 'vs summary'],
      [
        ['heapdiff summary FILE (to completion)', s(best(summary)), ''],
        ['heapdiff ui FILE (to the first interactive frame)', s(best(firstFrame)), `+${s(best(firstFrame) - best(summary))} (target ≤ +1.00 s)`],
      ],
    );
    const ms = (x: number | undefined) => (x === undefined ? 'no frame' : `${x.toFixed(1)} ms`);
    console.log(`\n${size}: key to frame, ${keys.largest.className} ×${keys.largest.count.toLocaleString('en-US')} open (UI data loaded in ${s(keys.loadedMs)}; peak RSS ${(keys.maxRssKb / 1e6).toFixed(2)} GB)`);
    const rows = (Object.entries(keys.times) as [string, number[]][]).map(([kind, xs]) => [
      { move: '↑ ↓', page: 'PgUp PgDn', jump: 'Home End' }[kind]!,
      String(xs.length),
      ms(percentile(xs, 0.5)),
      ms(percentile(xs, 0.99)),
    ]);
    const all = Object.values(keys.times).flat();
    rows.push(['all of the above', String(all.length), ms(percentile(all, 0.5)), `${ms(percentile(all, 0.99))} (target ≤ 50 ms)`]);
    printTable(['keys', 'n', 'median', 'p99'], rows);
    console.log('');
    printTable(
      ['once', 'time'],
      [
        ['Enter: open the class (its objects by retained size)', ms(keys.openMs)],
        ['h: first sort by shallow size', ms(keys.sorts['h'])],
        ['d: first sort by distance', ms(keys.sorts['d'])],
        ['i: first sort by id', ms(keys.sorts['i'])],
        ['i again: reverse (no new sort)', ms(keys.reverse)],
        ['Enter: an object’s detail', ms(keys.detailMs)],
        ['Esc: back to the list', ms(keys.backMs)],
      ],
    );
  }
}

function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

function wallTime(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`${args.join(' ')}: exit ${code}`))));
  });
}

/** Starts `heapdiff ui FILE` in a tmux window and polls its screen until the summary is drawn. */
async function uiFirstFrame(file: string): Promise<number> {
  const socket = `heapdiff-bench-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const start = performance.now();
  tmux('new-session', '-d', '-s', 'ui', '-x', '100', '-y', '30', `${process.execPath} ${HEAPDIFF} ui ${file}; sleep 600`);
  try {
    for (;;) {
      if (tmux('capture-pane', '-p', '-t', 'ui').includes('Class [n]')) return performance.now() - start;
      if (performance.now() - start > 10 * 60_000) throw new Error('the UI did not draw in 10 minutes');
      // Every 100 ms (reported times are up to that late): each look is a tmux process, and
      // looking more often takes CPU from the UI being timed.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
  }
}

function keyLatencies(file: string): Promise<KeyReport> {
  return new Promise((resolve, reject) => {
    // React's production build, as heapdiff ui loads it (run-ui.ts).
    const child = fork(join(here, 'loaders/ui-keys.mjs'), [file], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: { ...process.env, NODE_ENV: process.env['NODE_ENV'] ?? 'production' } });
    child.on('message', (m) => resolve(m as KeyReport));
    child.on('exit', (code) => reject(new Error(`the key benchmark exited with code ${code}`)));
  });
}
