import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeForBigScriptSnapshots } from '../helpers/node-for-snapshots.js';
import { TSX_ARGS } from '../helpers/run-cli.js';
import { runProgram, withCrashRetries } from '../helpers/run-program.js';

const program = fileURLToPath(new URL('../fixtures/programs/relative-heap.ts', import.meta.url));
const lineOf = (text: string): number => readFileSync(program, 'utf8').split('\n').findIndex((line) => line.includes(text)) + 1;
// The running Node, and Node 22+ too when available: there the inspector builds the snapshot
// only after the caller has started awaiting, which the diff must not count either.
const nodes = [...new Set([process.execPath, nodeForBigScriptSnapshots()].filter((n): n is string => n !== undefined))];

describe.each(nodes)('markHeap and diff (%s): what is new since the mark and still alive', (node) => {
  // tsx's disk cache off: after a cache miss (any source edited since the last run) tsx walks
  // its cache folder asynchronously, and on Node 22 that walk can be alive across the mark and
  // the diff — the program's loader's objects, rightly counted, but not the test's subject.
  const env = { ...process.env, TSX_DISABLE_CACHE: '1' };
  const run = async (mode: string) =>
    JSON.parse(await runProgram(`relative-heap.ts ${mode}`, node, [...TSX_ARGS, program, mode], { env, retryCrashes: mode.startsWith('track') }));

  // No retry: a leftover is a bug (pnpm soak:empty-diffs runs this 20 times per Node); a
  // failure prints its retainer path (paths) to say what it was.
  it('nothing allocated in between: an empty result', async () => {
    expect(await run('nothing')).toMatchObject({ count: 0, groups: {}, paths: [] });
  });

  it('1,000 Foo and 10 Bar kept: exactly those, with the Bars\' arrays, as leak roots with a path', async () => {
    const result = await run('leak');
    expect(result.groups).toEqual({ Foo: 1000, Bar: 10, Array: 10 });
    expect(result.foo.leakRoots).toBe(1000);
    expect(result.foo.retainerPath).toMatch(/→ Foo @\d+$/);
  });

  it('301 Foo, 300 in an array and one in a local: the group\'s path is the array\'s', async () => {
    const result = await run('kept-and-local');
    expect(result.groups).toEqual({ Foo: 301 });
    expect(result.foo.retainerPath).toMatch(/→ kept \(Array\) → \[\d+\] → Foo @\d+$/);
  });

  it('the program\'s own classes named like heapdiff\'s, and a SourceMap it had Node parse: counted like any other', async () => {
    const { groups } = await run('namesakes');
    const namesakes = ['PreparedSnapshot', 'Promise', 'HeapMarkHandle', 'SourceMap'];
    // (Besides: what the SourceMap holds, and Node's base64 table of its first parse.)
    expect(Object.fromEntries(namesakes.map((name) => [name, groups[name]]))).toEqual({ PreparedSnapshot: 3, Promise: 3, HeapMarkHandle: 3, SourceMap: 1 });
  });

  it('with allocation tracking on: all 300 Foo, allocated by makeFoos at its line, and the process still exits', async () => {
    const result = await run('track');
    expect(result.groups).toEqual({ Foo: 300 });
    // The function's own line in the TypeScript source (V8 records the running code's
    // positions; heapdiff maps them back through tsx's source map).
    expect(result.fooTop).toBe(`300 makeFoos relative-heap.ts:${lineOf('function makeFoos')}`);
  }, withCrashRetries());

  it('nested marks that track: the inner diff leaves tracking on for the outer one', async () => {
    const { inner, outer } = await run('track-nested');
    expect(inner).toEqual({
      Bar: { count: 7, top: '7 (anonymous) relative-heap.ts:1' },
      Array: { count: 7, top: `7 Bar relative-heap.ts:${lineOf('constructor(index: number) {')}` },
    });
    expect(outer.Foo).toEqual({ count: 150, top: `150 makeFoos relative-heap.ts:${lineOf('function makeFoos')}` });
    expect(outer.Bar.count).toBe(7);
    // Besides: the inner result the program keeps (its objects by shape, arrays, strings and numbers).
    const kept = ['(number)', '(string)', 'Array', 'Bar', 'Foo', 'Object', '{groups}', '{className, retainerPath, allocationStacks}', '{frames}', '{functionName, scriptName}', '{file, url}', '(sliced string)'];
    expect(Object.keys(outer).filter((k) => !kept.includes(k))).toEqual([]);
    expect(outer['{groups}']?.count).toBe(1);
  }, withCrashRetries());

  it('diffs of two marks, a second diff of the first and a snapshot, all at once: each sees the 30 Foo', async () => {
    // The second diff of the first mark shares the first (its snapshot not yet taken); a later
    // one takes its own.
    expect(await run('concurrent')).toEqual({ counts: [30, 30, 30, 30], shared: true, snapshot: true });
  });

  it('two marks that track, made at once, both settle and each sees the 20 Foo', async () => {
    expect(await run('track-concurrent')).toEqual({ counts: [20, 20] });
  }, withCrashRetries());

  it('an inner mark diffed and a snapshot taken in between, results dropped: an empty result', async () => {
    expect(await run('nested-dropped')).toMatchObject({ count: 0, groups: {}, paths: [] });
  });

  it('only log lines written (with objects, to a pipe): an empty result', async () => {
    expect(await run('logging')).toMatchObject({ count: 0, groups: {}, paths: [] });
  });

  it('only messages received over an IPC channel (advanced serialisation, as vitest\'s forks): an empty result', async () => {
    expect(await run('ipc-messages')).toMatchObject({ count: 0, groups: {}, paths: [] });
  });

  it('only garbage allocated: an empty result', async () => {
    expect(await run('garbage')).toMatchObject({ count: 0, groups: {}, paths: [] });
  });

  it('importing the capture entry loads no HTTP stack (remote capture loads it when used)', () => {
    // On Node 22 and after node:http compiles its parser in the background: loaded with the
    // entry, it showed up in a worker's first diff.
    const script = "await import('@heapdiff/core/capture'); process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => /\\b(http|_http_\\w+|undici)$/.test(m))))";
    const loaded = JSON.parse(execFileSync(node, [...TSX_ARGS, '--input-type=module', '-e', script], { encoding: 'utf8', env, cwd: dirname(program) }));
    expect(loaded).toEqual([]);
  });
});
