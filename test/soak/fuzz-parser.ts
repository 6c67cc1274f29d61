// Feeds the snapshot parser mutated snapshots and checks every outcome.
//
//   pnpm soak:fuzz-parser [--cases 10000] [--seed 1] [--jobs 2] [--timeout 20000]
//   pnpm soak:fuzz-parser --only SEED      (one case, in this process, with what it did)
//
// Each case (fixed by its seed) mutates one of a few snapshots — hand-made ones with every
// section (trace tree, samples, locations, an unknown section, escapes, non-ASCII), and real
// ones written by Node and Chrome — with 1 to 3 of: byte flips, truncations, inserted and
// deleted bytes, duplicated runs, number edits, white space runs (past 64 KiB too), swapped
// bytes. Then it parses the bytes three ways: inline, on worker threads, and gzip-compressed
// (sometimes with the gzip itself damaged). Each must end with a HeapdiffError (a known code,
// one line) or with exactly what JSON.parse and the checks of test/helpers/reference-parse.ts
// read from the same bytes; and the three must agree on accepting or refusing. Anything else —
// another exception, a mismatch, a case that outlives --timeout — is printed with its seed.
// Cases run in child processes (--jobs), so a case that hangs is killed and reported.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ERROR_CODES, HeapdiffError } from '../../packages/core/src/errors.js';
import { analyzeGraph, parseSnapshot, summarizeClasses } from '../../packages/core/src/index.js';
import { HeapGraph } from '../../packages/core/src/graph/heap-graph.js';
import { edgeRecords } from '../helpers/edge-records.js';
import { nodeRecords } from '../helpers/node-records.js';
import { openByteSource } from '../../packages/core/src/parser/byte-source.js';
import { SlabPool } from '../../packages/core/src/parser/slab-pool.js';
import { SnapshotParser } from '../../packages/core/src/parser/snapshot-parser.js';
import { HeapWorkerPool } from '../../packages/core/src/workers/heap-worker-pool.js';
import { buildSnapshotText, mediumSnapshot, tinySnapshotNodes } from '../helpers/snapshot-builder.js';
import { referenceParse, type Reference } from '../helpers/reference-parse.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    jobs: { type: 'string', default: '2' },
    timeout: { type: 'string', default: '20000' },
    only: { type: 'string' },
    child: { type: 'string' },
  },
});

// ---- the snapshots mutated ----


/** Every section filled: allocation tracking, samples, locations, an unknown section, header extras. */
function richSnapshot(): string {
  const text = buildSnapshotText(tinySnapshotNodes(), { extraStrings: ['makeFoo', '/app/foo.js', 'run', '/app/main.js'] });
  const fn = (name: string) => JSON.parse(text.slice(text.indexOf('"strings":') + 10, text.lastIndexOf('}'))).indexOf(name) as number;
  const replace = (s: string, from: string, to: string) => {
    if (!s.includes(from)) throw new Error(`rich snapshot: no ${from}`);
    return s.replace(from, to);
  };
  let rich = replace(text, '{"snapshot":{', '{"snapshot":{"title":"caf\\u00e9 \\"t\\" ü","uid":7,');
  rich = replace(rich, '"trace_function_count":0', '"trace_function_count":2');
  rich = replace(rich, '"trace_function_infos":[]', `"trace_function_infos":[1,${fn('makeFoo')},${fn('/app/foo.js')},3,10,5,2,${fn('run')},${fn('/app/main.js')},4,1,1]`);
  rich = replace(rich, '"trace_tree":[]', '"trace_tree":[1,0,0,0,[2,1,5,100,[3,1,1,16,[]],4,0,2,32,[]],5,1,0,0,[]]');
  rich = replace(rich, '"samples":[]', '"samples":[0,1,100,5, -3 ,7]');
  rich = replace(rich, '"locations":[]', '"locations":[6,1,10,-1,12,2,0,0]');
  rich = replace(rich, '\n"strings":', '\n"x_extra":{"a":[1,-2.5e3,0.5E+2,true,false,null,"s\\u00e9\\n ü"],"b":{},"c":[[]]},"x_n":-0,\n"strings":');
  return rich;
}

interface Base {
  name: string;
  data: Buffer;
  /** Analyses are run on accepted graphs of small bases (cheap); not on the real ones. */
  analyze: boolean;
}

function loadBases(): { base: Base; weight: number }[] {
  const fixture = (name: string) => gunzipSync(readFileSync(fileURLToPath(new URL(`../fixtures/snapshots/${name}.heapsnapshot.gz`, import.meta.url))));
  const rich = Buffer.from(richSnapshot());
  return [
    { base: { name: 'medium', data: Buffer.from(mediumSnapshot()), analyze: true }, weight: 40 },
    { base: { name: 'rich', data: rich, analyze: true }, weight: 40 },
    { base: { name: 'rich+bom', data: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), rich]), analyze: true }, weight: 10 },
    { base: { name: 'node20', data: fixture('node20'), analyze: false }, weight: 5 },
    { base: { name: 'chrome', data: fixture('chrome'), analyze: false }, weight: 5 },
  ];
}

// ---- mutations ----

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Rng, list: readonly T[]): T => list[int(rng, list.length)]!;

const INSERTS = [' ', '\n', '\t', '\r', ',', '0', '00', '01', '-1', '1.5', '1e3', '99999999999', '4294967296', '"', '[', ']', '{', '}', ':', '\\', '\\u', '\\ud800', ',"x":1', ',"nodes":[]', '{}', '[]', '1,', 'é', 'true', 'nul', '\u0000', '\u001f', '\u2028'];
const RAW_INSERTS = [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0xaf], [0xef, 0xbb, 0xbf], [0x1f, 0x8b]];
const NUMBERS = ['0', '00', '01', '007', '1', '4294967295', '4294967296', '9007199254740991', '9007199254740993', '18446744073709551616', '-1', '-0', '1.0', '1e3', '2E-1', '+1', '.5', '', ' 1', '1 2'];

/** A position to mutate: anywhere, or (often) inside a section where the parser works hardest. */
function position(rng: Rng, data: Uint8Array): number {
  if (data.length === 0) return 0;
  const r = rng();
  if (r < 0.1) return int(rng, Math.min(data.length, 600)); // the header
  if (r < 0.5) {
    const key = pick(rng, ['"nodes":[', '"edges":[', '"strings":[', '"trace_tree":[', '"samples":[', '"locations":[', '"trace_function_infos":[']);
    const at = Buffer.from(data.buffer, data.byteOffset, data.byteLength).indexOf(key);
    if (at >= 0) {
      const span = key === '"nodes":[' || key === '"edges":[' || key === '"strings":[' ? 4000 : 80;
      return Math.min(data.length - 1, at + int(rng, key.length + span));
    }
  }
  return int(rng, data.length);
}

const concat = (...parts: Uint8Array[]) => Buffer.concat(parts);

function mutate(rng: Rng, data: Buffer, log: string[]): Buffer {
  const at = position(rng, data);
  const kind = pick(rng, ['flip', 'flip', 'truncate', 'insert', 'insert', 'delete', 'duplicate', 'number', 'number', 'space', 'space', 'swap'] as const);
  switch (kind) {
    case 'flip': {
      const copy = Buffer.from(data);
      const byte = rng() < 0.5 ? pick(rng, [0x22, 0x2c, 0x5b, 0x5d, 0x7b, 0x7d, 0x5c, 0x3a, 0x30, 0x31, 0x39, 0x2d, 0x2e, 0x65, 0x20, 0x0a, 0x00, 0x7f, 0x80, 0xbf, 0xc3, 0xff]) : int(rng, 256);
      if (at < copy.length) copy[at] = byte;
      log.push(`flip ${at} to 0x${byte.toString(16)}`);
      return copy;
    }
    case 'truncate':
      log.push(`truncate at ${at}`);
      return data.subarray(0, at);
    case 'insert': {
      const bytes = rng() < 0.25 ? Buffer.from(pick(rng, RAW_INSERTS)) : Buffer.from(pick(rng, INSERTS));
      log.push(`insert ${JSON.stringify(bytes.toString('latin1'))} at ${at}`);
      return concat(data.subarray(0, at), bytes, data.subarray(at));
    }
    case 'delete': {
      const length = 1 + int(rng, rng() < 0.8 ? 8 : 200);
      log.push(`delete ${length} at ${at}`);
      return concat(data.subarray(0, at), data.subarray(at + length));
    }
    case 'duplicate': {
      const length = 1 + int(rng, rng() < 0.7 ? 40 : 3000);
      log.push(`duplicate ${length} at ${at}`);
      return concat(data.subarray(0, at + length), data.subarray(at, at + length), data.subarray(at + length));
    }
    case 'number': {
      // Replace the digits at or after `at` by another number (or something that looks like one).
      let start = at;
      while (start < data.length && !(data[start]! >= 0x30 && data[start]! <= 0x39)) start++;
      let end = start;
      while (end < data.length && data[end]! >= 0x30 && data[end]! <= 0x39) end++;
      const text = rng() < 0.3 ? String(int(rng, 1000)) : pick(rng, NUMBERS);
      log.push(`number at ${start}: ${JSON.stringify(data.subarray(start, end).toString('latin1'))} to ${JSON.stringify(text)}`);
      return concat(data.subarray(0, start), Buffer.from(text), data.subarray(end));
    }
    case 'space': {
      // Mostly right after a comma, where white space is valid; long runs reach past the 64 KiB a worker slice may carry.
      let where = at;
      if (rng() < 0.6) {
        const comma = data.indexOf(0x2c, at);
        if (comma >= 0) where = comma + 1;
      }
      const r = rng();
      const length = r < 0.5 ? 1 + int(rng, 20) : r < 0.8 ? 500 + int(rng, 5000) : 60_000 + int(rng, 200_000);
      const run = Buffer.alloc(length, pick(rng, [' ', '\n', '\t', '\r', ' \n'] as const));
      log.push(`${length} bytes of white space at ${where}`);
      return concat(data.subarray(0, where), run, data.subarray(where));
    }
    case 'swap': {
      const copy = Buffer.from(data);
      if (at + 1 < copy.length) [copy[at], copy[at + 1]] = [copy[at + 1]!, copy[at]!];
      log.push(`swap ${at}`);
      return copy;
    }
  }
}

// ---- parsing it three ways ----

type Outcome = { ok: true; graph: HeapGraph } | { ok: false; error: unknown };

async function* chunksOf(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function outcome(parse: () => Promise<HeapGraph>): Promise<Outcome> {
  try {
    return { ok: true, graph: await parse() };
  } catch (error) {
    return { ok: false, error };
  }
}

let sharedPool: HeapWorkerPool | undefined;

/**
 * The parallel path as `parseSnapshot` drives it (see load/parse-snapshot.ts), but with one
 * worker pool for all cases: starting two workers per case would take most of the run.
 */
async function parseOnWorkers(data: Uint8Array, chunkSize: number): Promise<HeapGraph> {
  const pool = (sharedPool ??= new HeapWorkerPool(2));
  const slabs = new SlabPool();
  const source = await openByteSource(chunksOf(data, chunkSize));
  const parser = new SnapshotParser({ slabs, getPool: () => pool, parallelMinValues: 1 });
  for await (const chunk of source.chunks) {
    parser.push(chunk);
    parser.releaseChunk(chunk);
    if (parser.pendingJobs > pool.size * 2) await parser.settle(pool.size);
  }
  return new HeapGraph(await parser.finish());
}

/** Chunks of a few bytes too, but not for the real snapshots (millions of chunks would take minutes). */
const chunkSize = (rng: Rng, length: number): number => {
  const size = pick(rng, [1 + int(rng, 16), 1 + int(rng, 4096), 4096 + int(rng, 60_000), 1 << 16, 1 << 20, 4 << 20]);
  return length > 100_000 ? Math.max(size, 4096) : size;
};

/** What is wrong with an error, or '' when it is a proper HeapdiffError. */
function badError(error: unknown): string {
  if (!(error instanceof HeapdiffError)) return `not a HeapdiffError: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  if (!Object.values(ERROR_CODES).includes(error.code)) return `unknown code ${error.code}`;
  if (/[\n\r]/.test(error.message)) return `a message of more than one line: ${JSON.stringify(error.message)}`;
  // parseSnapshot wraps what it does not expect; from memory, nothing fails to read.
  if (/reading the snapshot failed/.test(error.message)) return `an unexpected error, wrapped: ${error.message} ${(error.cause as Error | undefined)?.stack ?? ''}`;
  return '';
}

/** The first difference between a graph and the reference, or ''. */
function difference(graph: HeapGraph, reference: Reference): string {
  const arrays: [string, ArrayLike<number>, ArrayLike<number>][] = [
    ['nodes', nodeRecords(graph), reference.nodes],
    ['edges', edgeRecords(graph), reference.edges],
    ['locations', graph.locations, reference.locations],
    ['samples', graph.samples, reference.samples],
    ['trace_function_infos', graph.traceFunctionInfos, reference.traceFunctionInfos],
  ];
  const tree = graph.traceTree;
  const expected = reference.traceTree;
  if ((tree === undefined) !== (expected === undefined)) return `trace_tree: ${tree ? 'read' : 'missing'}, the reference ${expected ? 'has one' : 'has none'}`;
  if (tree && expected) {
    arrays.push(['trace ids', tree.ids, expected.ids], ['trace functions', tree.functionInfoIndexes, expected.functionInfoIndexes]);
    arrays.push(['trace counts', tree.counts, expected.counts], ['trace sizes', tree.sizes, expected.sizes], ['trace parents', tree.parents, expected.parents]);
  }
  for (const [name, actual, wanted] of arrays) {
    if (actual.length !== wanted.length) return `${name}: ${actual.length} values, the reference ${wanted.length}`;
    for (let i = 0; i < actual.length; i++) if (actual[i] !== wanted[i]) return `${name}[${i}]: ${actual[i]}, the reference ${wanted[i]}`;
  }
  if (graph.strings.count !== reference.strings.length) return `strings: ${graph.strings.count}, the reference ${reference.strings.length}`;
  for (let i = 0; i < reference.strings.length; i++) {
    if (graph.strings.get(i) !== reference.strings[i]) return `strings[${i}]: ${JSON.stringify(graph.strings.get(i))}, the reference ${JSON.stringify(reference.strings[i])}`;
  }
  return '';
}

interface CaseResult {
  failure: string;
  accepted: boolean;
}

async function runCase(seed: number, bases: { base: Base; weight: number }[], dir: string, verbose: boolean): Promise<CaseResult> {
  const rng = random(seed);
  let roll = int(rng, bases.reduce((sum, b) => sum + b.weight, 0));
  const { base } = bases.find((b) => (roll -= b.weight) < 0)!;
  const log: string[] = [];
  let data = base.data;
  const count = 1 + int(rng, 3);
  for (let k = 0; k < count; k++) data = mutate(rng, data, log);
  const text = data.toString('utf8');
  const reference = referenceParse(text);
  if (verbose) console.log(`seed ${seed}: ${base.name}, ${data.length} bytes; ${log.join('; ')}; the reference ${reference ? 'accepts' : 'refuses'}`);

  // 1. inline, from chunks of one size; 2. on workers, from chunks of another size, sometimes
  // through parseSnapshot itself, from a file read into shared slabs; 3. gzip, sometimes damaged.
  const paths: { name: string; run: () => Promise<Outcome>; reference: Reference | undefined; agree: boolean }[] = [];
  const inlineChunk = chunkSize(rng, data.length);
  paths.push({ name: `inline (chunks of ${inlineChunk})`, run: () => outcome(() => parseSnapshot(chunksOf(data, inlineChunk), { workers: 0 })), reference, agree: true });
  const workerChunk = chunkSize(rng, data.length);
  if (rng() < 0.05) {
    const file = join(dir, 'case.heapsnapshot');
    paths.push({
      name: `workers (parseSnapshot of a file, reads of ${workerChunk})`,
      run: () => {
        writeFileSync(file, data);
        return outcome(() => parseSnapshot(file, { workers: 2, parallelMinValues: 1, readChunkSize: workerChunk }));
      },
      reference,
      agree: true,
    });
  } else {
    paths.push({ name: `workers (chunks of ${workerChunk})`, run: () => outcome(() => parseOnWorkers(data, workerChunk)), reference, agree: true });
  }
  let gz = gzipSync(data, { level: 1 + int(rng, 9) });
  let gzReference = reference;
  let damaged = false;
  if (rng() < 0.15 && gz.length > 20) {
    gz = Buffer.from(gz);
    const at = 10 + int(rng, gz.length - 10);
    gz[at] = int(rng, 256);
    damaged = true;
    try {
      gzReference = referenceParse(gunzipSync(gz).toString('utf8'));
    } catch {
      gzReference = undefined;
    }
  }
  const gzChunk = chunkSize(rng, gz.length);
  const gzFile = rng() < 0.3;
  paths.push({
    name: `gzip${damaged ? ' (damaged)' : ''} (${gzFile ? 'a file' : `chunks of ${gzChunk}`})`,
    run: () => {
      if (!gzFile) return outcome(() => parseSnapshot(chunksOf(gz, gzChunk), { workers: 0 }));
      const file = join(dir, 'case.heapsnapshot.gz');
      writeFileSync(file, gz);
      return outcome(() => parseSnapshot(file, { workers: 0, readChunkSize: gzChunk }));
    },
    reference: gzReference,
    agree: !damaged,
  });

  const problems: string[] = [];
  const verdicts: { name: string; accepted: boolean; agree: boolean; detail: string }[] = [];
  for (const path of paths) {
    const result = await path.run();
    if (!result.ok) {
      const bad = badError(result.error);
      if (bad) problems.push(`${path.name}: ${bad}`);
      verdicts.push({ name: path.name, accepted: false, agree: path.agree, detail: (result.error as Error).message });
      continue;
    }
    verdicts.push({ name: path.name, accepted: true, agree: path.agree, detail: 'accepted' });
    if (!path.reference) {
      problems.push(`${path.name}: accepted what JSON.parse and the reference checks refuse`);
      continue;
    }
    const diff = difference(result.graph, path.reference);
    if (diff) problems.push(`${path.name}: read differently from the reference: ${diff}`);
    if (base.analyze && path === paths[0]) {
      try {
        await analyzeGraph(result.graph);
        summarizeClasses(result.graph, { retained: true });
      } catch (error) {
        problems.push(`${path.name}: analysing the accepted graph failed: ${(error as Error).stack ?? String(error)}`);
      }
    }
  }
  const agreeing = verdicts.filter((v) => v.agree);
  if (new Set(agreeing.map((v) => v.accepted)).size > 1) {
    problems.push(`the paths disagree: ${agreeing.map((v) => `${v.name}: ${v.detail}`).join(' | ')}`);
  }
  if (verbose) for (const v of verdicts) console.log(`  ${v.name}: ${v.detail}`);
  const failure = problems.length ? `seed ${seed} (${base.name}; ${log.join('; ')}): ${problems.join(' || ')}` : '';
  return { failure, accepted: verdicts[0]!.accepted };
}

// ---- one process per job; the parent watches the time ----

interface Report {
  seed: number;
  phase: 'start' | 'end';
  failure?: string;
  accepted?: boolean;
}

async function child(from: number, to: number): Promise<void> {
  const bases = loadBases();
  const dir = mkdtempSync(join(tmpdir(), 'heapdiff-fuzz-'));
  try {
    for (let seed = from; seed < to; seed++) {
      process.send!({ seed, phase: 'start' } satisfies Report);
      const { failure, accepted } = await runCase(seed, bases, dir, false);
      process.send!({ seed, phase: 'end', failure, accepted } satisfies Report);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    void sharedPool?.close();
  }
}

async function parent(): Promise<void> {
  const cases = Number(values.cases);
  const first = Number(values.seed);
  const jobs = Math.max(1, Number(values.jobs));
  const timeout = Number(values.timeout);
  const started = performance.now();
  const failures: string[] = [];
  let done = 0;
  let accepted = 0;
  const script = fileURLToPath(import.meta.url);

  /** Runs seeds `from..to` in one child; a case that outlives the timeout is a failure, and the rest go on in a new child. */
  const runRange = (from: number, to: number): Promise<void> =>
    new Promise((resolve) => {
      if (from >= to) {
        resolve();
        return;
      }
      let current = from;
      let timer: NodeJS.Timeout | undefined;
      let finished = false;
      /** The current case has reported its outcome. */
      let ended = false;
      const proc: ChildProcess = fork(script, ['--child', `${from}:${to}`], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const restartAfter = (seed: number, why: string) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        failures.push(`seed ${seed}: ${why}`);
        console.log(`FAIL seed ${seed}: ${why}`);
        done++;
        proc.kill('SIGKILL');
        void runRange(seed + 1, to).then(resolve);
      };
      proc.on('message', (report: Report) => {
        current = report.seed;
        clearTimeout(timer);
        ended = report.phase === 'end';
        if (report.phase === 'start') {
          timer = setTimeout(() => restartAfter(report.seed, `no outcome after ${timeout} ms (a hang)`), timeout);
          return;
        }
        done++;
        if (report.accepted) accepted++;
        if (report.failure) {
          failures.push(report.failure);
          console.log(`FAIL ${report.failure}`);
        }
        if (done % 1000 === 0) console.log(`${done} cases, ${failures.length} failures, ${Math.round((performance.now() - started) / 1000)} s`);
      });
      // 'close' comes after the last message, unlike 'exit'.
      proc.on('close', (code, signal) => {
        if (finished) return;
        if (current === to - 1 && ended && code === 0) {
          finished = true;
          clearTimeout(timer);
          resolve();
          return;
        }
        restartAfter(current, `the process ended during the case (${signal ?? `exit code ${code}`})`);
      });
    });

  const per = Math.ceil(cases / jobs);
  await Promise.all(Array.from({ length: jobs }, (_, j) => runRange(first + j * per, Math.min(first + cases, first + (j + 1) * per))));
  const seconds = (performance.now() - started) / 1000;
  console.log(`fuzz-parser: ${done} cases (seeds ${first}..${first + cases - 1}; ${accepted} accepted, ${done - accepted} refused), ${failures.length} failures, ${seconds.toFixed(1)} s`);
  process.exitCode = failures.length === 0 && done === cases ? 0 : 1;
}

if (values.child !== undefined) {
  const [from, to] = values.child.split(':').map(Number) as [number, number];
  await child(from, to);
} else if (values.only !== undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'heapdiff-fuzz-'));
  try {
    const { failure } = await runCase(Number(values.only), loadBases(), dir, true);
    console.log(failure ? `FAIL ${failure}` : 'ok');
    process.exitCode = failure ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    void sharedPool?.close();
  }
} else {
  await parent();
}
