// `pnpm bench assertions`: what a leak assertion costs in a vitest worker of about 30 MB, next to
// one v8.writeHeapSnapshot() of the same heap and to memlab's collection check. Targets (issue
// 12): a passing not.toLeak() at most 0.4× the snapshot's time, a passing toBeCollected() at
// most 50 ms.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable } from './print-table.js';

const dir = fileURLToPath(new URL('./assertions/', import.meta.url));
const vitestBin = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

export function benchAssertions(): void {
  const scratch = mkdtempSync(join(tmpdir(), 'heapdiff-bench-assertions-'));
  const out = join(scratch, 'results.json');
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, BENCH_OUT: out };
    for (const name of Object.keys(env)) if (name.startsWith('VITEST')) delete env[name];
    const run = spawnSync(process.execPath, [vitestBin, 'run', '--reporter=dot'], { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (run.status !== 0) {
      console.error(`bench assertions: the vitest run failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
      process.exit(1);
    }
    const results = JSON.parse(readFileSync(out, 'utf8')) as Record<string, number[] | number>;
    const median = (ms: number[]): number => [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)]!;
    const snapshot = median(results['writeHeapSnapshot'] as number[]);
    const targets: Record<string, string> = { 'passing not.toLeak()': '≤ 0.4×', 'passing toBeCollected()': '≤ 50 ms' };
    const rows = Object.entries(results)
      .filter((entry): entry is [string, number[]] => Array.isArray(entry[1]))
      .map(([name, ms]) => [name, `${median(ms).toFixed(0)} ms`, `${(median(ms) / snapshot).toFixed(2)}×`, targets[name] ?? '', ms.map((m) => m.toFixed(0)).join(', ')]);
    console.log(`vitest worker heap in use: ${((results['heapBytes'] as number) / 2 ** 20).toFixed(1)} MB (Node ${process.versions.node})\n`);
    printTable(['what', 'median', 'vs writeHeapSnapshot', 'target', 'runs (ms)'], rows);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
