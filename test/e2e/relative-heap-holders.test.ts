import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
import { nodeForBigScriptSnapshots } from '../helpers/node-for-snapshots.js';
import { runProgram, withCrashRetries } from '../helpers/run-program.js';

// Every way a program holds what leaks, on Node 20 and the newest Node the tests have: 1,000
// Sessions kept after a mark must be exactly what the diff reports, and with nothing kept the
// diff must be empty (no retry: a leftover is a bug). The programs: fixtures/programs/holders.
const dir = fileURLToPath(new URL('../fixtures/programs/holders/', import.meta.url));
const vitestBin = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
const nodes = [...new Set([process.execPath, nodeForBigScriptSnapshots()].filter((n): n is string => n !== undefined))];
const env = { ...process.env };
/** Where `Server.prototype.handle` is, the function that allocates the Sessions. */
const handleAt = (file: string): string => `handle ${file}:${readFileSync(join(dir, file), 'utf8').split('\n').findIndex((line) => line.includes('handle(id) {')) + 1}`;

interface Group {
  count: number;
  path: string;
  top?: string;
}
interface Case {
  case: 'empty' | 'leak';
  count: number;
  groups: Record<string, Group>;
}

/** Where each holder's retainer path must lead through: from the roots, or from the waiting frame. */
const holders: Record<string, RegExp> = {
  global: /^global → (.* → )?server \(Server\) → sessions \(Map\)/,
  'esm-module-const': /→ moduleServer \(Server\) → sessions \(Map\)/,
  'cjs-module-const': /cjs-module\.cjs \(Module\) → .* → server \(Server\) → sessions \(Map\)/,
  'async-local': /^async async-local\(\) holders\.mjs:\d+ → parameters_and_registers → \d+ \(Server\) → sessions \(Map\)/,
  'outer-async-local': /^async check\(\) holders\.mjs:\d+ → context \(system \/ Context\) → server \(Server\) → sessions \(Map\)/,
  'closure-argument': /^async check\(\) holders\.mjs:\d+ → parameters_and_registers → \d+ \(Function\) → context \(system \/ Context\) → server \(Server\)/,
  'returned-diff': /^async returned-diff\(\) holders\.mjs:\d+ → context \(system \/ Context\) → server \(Server\) → sessions \(Map\)/,
  'sync-starter': /^\(anonymous\) \(callback\) holders\.mjs:\d+ → context \(system \/ Context\) → server \(Server\) → sessions \(Map\)/,
  'async-generator': /^async inspect\(\) holders\.mjs:\d+ → parameters_and_registers → \d+ \(Server\) → sessions \(Map\)/,
  'async-local-storage': / → server \(Server\) → sessions \(Map\)/,
  'timer-closure': /\(Timeout\) → _onTimeout \(Function\) → context \(system \/ Context\) → server \(Server\) → sessions \(Map\)/,
  'tla-module': /^tla-module\.mjs \(top level\) → parameters_and_registers → \d+ \(Server\) → sessions \(Map\)/,
};

function expectExact(cases: Case[], path: RegExp, top: string | RegExp | undefined): void {
  const [empty, leak] = cases;
  expect(empty).toEqual({ case: 'empty', count: 0, groups: {} });
  expect(leak!.case).toBe('leak');
  expect(Object.keys(leak!.groups)).toEqual(['Session']);
  expect(leak!.count).toBe(1000);
  const session = leak!.groups['Session']!;
  expect(session.count).toBe(1000);
  expect(session.path).toMatch(path);
  expect(session.path).toMatch(/ → sessions \(Map\) → table → \d+ → Session @\d+$/);
  // With allocation tracking: where they were allocated.
  if (top === undefined) expect(session.top).toBeUndefined();
  else expect(session.top).toMatch(top);
}

const parseLines = (stdout: string): Case[] => stdout.trim().split('\n').map((line) => JSON.parse(line) as Case);

// A mark that tracks ends with a snapshot whose allocation trace tree V8 writes while it hands
// out the chunks: parsing them as they came made Node 22 crash in about half the runs of a
// holder program (SIGSEGV in SerializeTraceNode), which the tests' crash retries hid.
describe.each(nodes)('a mark that tracks allocations (%s)', (node) => {
  // Three runs: at the old rate, all three pass one time in eight.
  it.concurrent('never crashes its program: three runs, no retries', async () => {
    for (let run = 0; run < 3; run++) {
      const stdout = await runProgram('holders.mjs global track', node, [join(dir, 'holders.mjs'), 'global', 'track'], { env, cwd: dir });
      expect(parseLines(stdout)[1]!.count).toBe(1000);
    }
  }, 120_000);
});

describe.each(nodes)('mark.diff() sees what every holder keeps (%s)', (node) => {
  describe.each([false, true])('trackAllocations: %s', (track) => {
    it.concurrent.each(Object.keys(holders))('held by %s: exactly the 1,000 Sessions; nothing kept, nothing reported', async (holder) => {
      // Plain Node on the built packages, as a user's program runs them (the global setup builds them).
      const args = [join(dir, 'holders.mjs'), holder, ...(track ? ['track'] : [])];
      const stdout = await runProgram(`holders.mjs ${holder}${track ? ' track' : ''}`, node, args, { env, cwd: dir, retryCrashes: track });
      const top = holder === 'cjs-module-const' ? handleAt('cjs-module.cjs') : handleAt('leak-kit.mjs');
      expectExact(parseLines(stdout), holders[holder]!, track ? new RegExp(`^${top.replaceAll('.', '\\.')}$`) : undefined);
    }, withCrashRetries());

    it.concurrent('held by a local of a vitest test body, run by vitest itself', async () => {
      const out = join(tempDir(), 'vitest-body.jsonl');
      // Without this run's vitest variables: the child is a vitest run of its own.
      const vitestEnv: NodeJS.ProcessEnv = { ...env, HOLDERS_OUT: out, HOLDERS_TRACK: track ? '1' : '0' };
      for (const name of Object.keys(vitestEnv)) if (name.startsWith('VITEST')) delete vitestEnv[name];
      await runProgram('vitest run (holders)', node, [vitestBin, 'run', '--reporter=dot'], { env: vitestEnv, cwd: dir, retryCrashes: track });
      // (The line is the one vite's transform moved it to: vitest's source maps are its own, not Node's.)
      // The last run's two lines: a run that crashed (V8, with allocation tracking) and was run again wrote its first.
      expectExact(parseLines(readFileSync(out, 'utf8')).slice(-2), /^async \(anonymous\)\(\) vitest-body\.spec\.mjs:\d+ → parameters_and_registers → \d+ \(Server\) → sessions \(Map\)/, track ? /^handle leak-kit\.mjs:\d+$/ : undefined);
    }, withCrashRetries(40_000));
  });
});
