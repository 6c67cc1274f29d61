import { execFileSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeGraph, findLeaks, parseSnapshot, prepareLeaks, shallowSizes, takeCensus, type LeakReport, type SnapshotCensus } from '@heapdiff/core';
import { nodeForBigScriptSnapshots } from '../helpers/node-for-snapshots.js';
import { writeSeries } from '../helpers/snapshot-series.js';
import { tempDir } from '../helpers/fixtures.js';
// The ground truth lives beside the programs: each scenario says what it leaks (or null).
import { scenarios } from '../fixtures/programs/leaks/scenarios.mjs';

async function leaksOf(files: readonly string[]): Promise<LeakReport> {
  const series = [];
  for (const [i, file] of files.entries()) {
    const graph = await parseSnapshot(file);
    series.push(i === files.length - 1 ? graph : takeCensus(graph));
  }
  return findLeaks(series);
}

describe('findLeaks options of the wrong kind', () => {
  it('get a TypeError that says what was expected, before any work', async () => {
    const files = writeSeries('map-cache');
    const series = [takeCensus(await parseSnapshot(files[0]!)), takeCensus(await parseSnapshot(files[1]!)), await parseSnapshot(files[2]!)];
    expect(() => findLeaks(series, null as never)).toThrow('findLeaks: options must be an object, got null');
    expect(() => findLeaks(series, { ignore: 'Session' as never })).toThrow('findLeaks: ignore must be an array of strings or RegExps, got "Session"');
    expect(() => findLeaks(series, { ignore: [5 as never] })).toThrow('findLeaks: ignore must hold strings or RegExps, got 5');
    expect(() => findLeaks(series, { ignore: [''] })).toThrow('findLeaks: ignore holds an empty string, which would leave out every leak');
    expect(() => findLeaks(series, { minCount: '5' as never })).toThrow('findLeaks: minCount must be a number from 0, got "5"');
    expect(findLeaks(series, { ignore: [/cached/i] }).leaks).toEqual([]);
  });
});

/**
 * Runs a program in a Node process of its own: `program(snapshot)` gives its lines, where
 * `snapshot` is the expression of round `round`'s file name (rounds 0 to 2). Returns the
 * three snapshot files, oldest first.
 */
function runSeries(program: (snapshot: string) => readonly string[]): string[] {
  const dir = tempDir();
  const file = join(dir, 'program.js');
  writeFileSync(file, program(`require('node:path').join(${JSON.stringify(dir)}, 's' + round + '.heapsnapshot')`).join('\n'));
  execFileSync(process.execPath, [file]);
  return [0, 1, 2].map((k) => join(dir, `s${k}.heapsnapshot`));
}

const leaking = Object.entries(scenarios).filter(([, s]) => s.leaks !== null);
const quiet = Object.entries(scenarios).filter(([, s]) => s.leaks === null);
const nodes = [['this Node', process.execPath], ['Node 22', nodeForBigScriptSnapshots()]] as const;

describe.each(nodes)('findLeaks on real programs (%s)', (_, node) => {
  it.skipIf(!node).each(leaking)('%s: the one leak, named after its owner, growing in every round', async (name, scenario) => {
    const report = await leaksOf(writeSeries(name, { node: node! }));
    expect(report.leaks.map((l) => l.name)).toEqual([scenario.leaks]);
    const [leak] = report.leaks;
    // 300 iterations per round, one leak each (the slow leak: one in 25; an async function's
    // last call may still be running).
    const perRound = name === 'slow-leak' ? 12 : 300;
    expect(leak!.count).toBeGreaterThanOrEqual(2 * perRound - 2);
    expect(leak!.count).toBeLessThanOrEqual(2 * perRound);
    expect(leak!.allocatedPerRound.every((n) => n >= perRound - 1)).toBe(true);
    // (A concatenated string's parts are no rounds of their own: 4 per line of the string log once.)
    expect(leak!.allocatedPerRound.reduce((sum, n) => sum + n, 0)).toBe(leak!.count);
    expect(leak!.liveCounts[2]! - leak!.liveCounts[0]!).toBeGreaterThanOrEqual(2 * perRound - 2);
    expect(leak!.retainerPath.at(-1)?.id).toBe(leak!.sampleIds[0]);
    expect(leak!.retainedSize).toBeGreaterThan(leak!.shallowSize);
  });

  it.skipIf(!node).each(quiet)('%s: no leak', async (name) => {
    const report = await leaksOf(writeSeries(name, { node: node! }));
    expect(report.leaks).toEqual([]);
  });
});

describe('what a leak report says', () => {
  it("a group's shallow size is its leak roots' own (a listener's Connection: not the closure that holds it, as the summary counts them)", async () => {
    const files = writeSeries('listener', { node: process.execPath });
    const series: (SnapshotCensus | Awaited<ReturnType<typeof parseSnapshot>>)[] = [];
    for (const file of files.slice(0, -1)) series.push(takeCensus(await parseSnapshot(file)));
    const last = await parseSnapshot(files.at(-1)!);
    const [leak] = findLeaks([...series, last], { allIds: true }).leaks;
    expect(leak!.name).toBe('Connection');
    const sizes = shallowSizes(last);
    const own = leak!.ids!.reduce((sum, id) => sum + sizes[last.ordinalOfId(id)]!, 0);
    expect(leak!.ids!.every((id) => last.className(last.ordinalOfId(id)) === 'Connection')).toBe(true);
    expect(leak!.shallowSize).toBe(own);
  });

  it('a linked list that grows at its head is a leak: one root, its newest node, over the nodes of every round', async () => {
    const files = runSeries((snapshot) => [
      "const { writeHeapSnapshot } = require('node:v8');",
      'class ListNode { constructor(next, i) { this.next = next; this.value = i; } }',
      'const list = { head: null };',
      'for (let round = 0; round < 3; round++) {',
      '  if (round > 0) for (let i = 0; i < 300; i++) list.head = new ListNode(list.head, i);',
      `  writeHeapSnapshot(${snapshot});`,
      '}',
    ]);
    const { leaks } = await leaksOf(files);
    expect(leaks.map((l) => [l.name, l.count])).toEqual([['ListNode', 1]]);
    expect(leaks[0]!.allocatedPerRound).toEqual([300, 300]);
    expect(leaks[0]!.liveCounts).toEqual([0, 300, 600]);
    expect(leaks[0]!.retains.find((r) => r.className === 'ListNode')?.count).toBe(599);
  });

  it("a Map's string keys that another leak names too are part of the Map's leak, not a (string) leak of their own", async () => {
    // A response cache keyed by URL, and a listener per request holding a context with the URL.
    const files = runSeries((snapshot) => [
      "const { writeHeapSnapshot } = require('node:v8');",
      "const { EventEmitter } = require('node:events');",
      "class CachedResponse { constructor(url) { this.url = url; this.body = 'body of ' + url; } }",
      'class RequestContext { constructor(url) { this.url = url; this.started = Date.now(); } }',
      'const responseCache = new Map();',
      'const settings = new EventEmitter();',
      'settings.setMaxListeners(0);',
      'function handle(i, round) {',
      "  const url = '/products/' + i + '?ts=' + round + '-' + i;",
      '  const ctx = new RequestContext(url);',
      "  settings.on('change', () => ctx.started);",
      '  responseCache.set(url, new CachedResponse(url));',
      '}',
      'let round = 0;',
      'function next() {',
      '  if (round > 0) for (let i = 0; i < 300; i++) handle(i, round);',
      `  writeHeapSnapshot(${snapshot});`,
      '  if (++round < 3) setTimeout(next, 10);',
      '}',
      'setTimeout(next, 10);',
    ]);
    const { leaks } = await leaksOf(files);
    expect(leaks.map((l) => l.name).sort()).toEqual(['CachedResponse', 'RequestContext']);
    // The keys (built by concatenation: V8's concatenated strings) are what the cache's group retains too.
    const cached = leaks.find((l) => l.name === 'CachedResponse')!;
    const strings = cached.retains.filter((r) => /^\((concatenated |sliced )?string\)$/.test(r.className)).reduce((sum, r) => sum + r.count, 0);
    expect(strings).toBeGreaterThanOrEqual(1200);
  });

  it("a path reads from the program's own function that holds the leak, not from the timers and event tables the way there runs through", async () => {
    // A module-level cache filled by a listener, as a server's request handler does.
    const cache = runSeries((snapshot) => [
      "const { writeHeapSnapshot } = require('node:v8');",
      "const { EventEmitter } = require('node:events');",
      'class UserProfile { constructor(id) { this.id = id; } }',
      'const profileCache = new Map();',
      'const server = new EventEmitter();',
      "server.on('request', function onRequest(id) { if (!profileCache.has(id)) profileCache.set(id, new UserProfile(id)); });",
      'let round = 0;',
      'const timer = setInterval(() => {',
      "  if (round > 0) for (let i = 0; i < 300; i++) server.emit('request', round * 1000 + i);",
      `  writeHeapSnapshot(${snapshot});`,
      '  if (++round === 3) clearInterval(timer);',
      '}, 10);',
    ]);
    const [profiles] = (await leaksOf(cache)).leaks;
    expect(profiles!.name).toBe('UserProfile');
    expect(profiles!.retainerPathText).toMatch(/^\S+ \(Function program\.js:\d+\) → context \(system \/ Context\) → profileCache \(Map\) → table → \d+ → UserProfile @\d+$/);
    // A local of an async function that waits between rounds: from its frame.
    const frame = runSeries((snapshot) => [
      "const { writeHeapSnapshot } = require('node:v8');",
      'class Job { constructor(i) { this.i = i; } }',
      'let wake;',
      'async function runJobs() {',
      '  const done = [];',
      '  for (let round = 0; ; round++) {',
      '    if (round > 0) for (let i = 0; i < 300; i++) done.push(new Job(i));',
      '    await new Promise((resolve) => (wake = resolve));',
      '  }',
      '}',
      'runJobs();',
      'let round = 0;',
      'function next() {',
      `  writeHeapSnapshot(${snapshot});`,
      '  if (++round < 3) { wake(); setTimeout(next, 10); }',
      '}',
      'setTimeout(next, 10);',
    ]);
    const [jobs] = (await leaksOf(frame)).leaks;
    expect([jobs!.name, jobs!.count]).toEqual(['Job', 600]);
    expect(jobs!.retainerPathText).toMatch(/^async runJobs\(\) program\.js:4 → parameters_and_registers → .*\(Array\) → \[\d+\] → Job @\d+$/);
  });

  it("a listener that keeps a Node library object and the program's own object for it is one leak, named after the program's class", async () => {
    // As a request handler that subscribes to a bus with a closure over the response and its context.
    const files = runSeries((snapshot) => [
      "const { writeHeapSnapshot } = require('node:v8');",
      "const { EventEmitter } = require('node:events');",
      'class RequestContext { constructor(i) { this.i = i; } }',
      'const bus = new EventEmitter();',
      'bus.setMaxListeners(0);',
      'function handle(i) {',
      '  const res = new EventEmitter();',
      '  const ctx = new RequestContext(i);',
      "  bus.on('change', () => [res, ctx]);",
      '}',
      'let round = 0;',
      'function next() {',
      '  if (round > 0) for (let i = 0; i < 300; i++) handle(i);',
      `  writeHeapSnapshot(${snapshot});`,
      '  if (++round < 3) setTimeout(next, 10);',
      '}',
      'setTimeout(next, 10);',
    ]);
    const { leaks } = await leaksOf(files);
    expect(leaks.map((l) => [l.name, l.count])).toEqual([['RequestContext', 600]]);
    expect(leaks[0]!.retains.find((r) => r.className === 'EventEmitter')?.count).toBe(600);
  });

  it('a built-in holder names the program class it keeps, and shows what the group retains', async () => {
    const { leaks } = await leaksOf(writeSeries('interval'));
    expect(leaks[0]).toMatchObject({ name: 'PollingJob', heldBy: 'Timeout', location: { file: 'scenarios.mjs' } });
    // The path ends at the job, through the timer that holds it (the leak root is the program's object).
    expect(leaks[0]!.retainerPathText).toMatch(/timerListMap \(Object\) → \[60000\] \(TimersList\) → _idle(Next|Prev) \(Timeout\) → _onTimeout \(Function\) → context \(system \/ Context\) → job → PollingJob @\d+$/);
    expect(leaks[0]!.retains.map((r) => r.className)).toEqual(expect.arrayContaining(['Timeout', 'PollingJob', 'Function']));
    expect(leaks[0]!.retains.find((r) => r.className === 'PollingJob')?.count).toBe(600);
  });

  it('an owner leaks with its children: the owner is the headline, the children what it retains', async () => {
    const { leaks } = await leaksOf(writeSeries('owner-children'));
    expect(leaks).toHaveLength(1);
    expect(leaks[0]!.name).toBe('Session');
    expect(leaks[0]!.heldBy).toBeUndefined();
    expect(Object.fromEntries(leaks[0]!.retains.map((r) => [r.className, r.count]))).toMatchObject({ CartItem: 1200, Cart: 600, '{name}': 600 });
    // (V8 writes no edge for a small-integer property: `{ id, name }` reads as `{name}`.)
  });

  it('prepareLeaks run alongside analyzeGraph (on workers, a graph in shared memory): the same report as without', async () => {
    const files = writeSeries('interval');
    const plain = await leaksOf(files);
    const series: SnapshotCensus[] = [];
    for (const file of files.slice(0, -1)) series.push(takeCensus(await parseSnapshot(file)));
    // A tiny threshold: the graph lives in shared memory, so the analyses go to workers.
    const last = await parseSnapshot(files.at(-1)!, { parallelMinValues: 1 });
    expect(last.nodes.buffer).toBeInstanceOf(SharedArrayBuffer);
    const phases: string[] = [];
    await analyzeGraph(last, { alongside: () => (prepareLeaks(last), phases.push('alongside')), onProgress: ({ phase }) => phases.push(phase) });
    expect(phases[0]).toBe('alongside');
    expect(phases.filter((p) => p === 'alongside')).toHaveLength(1);
    const prepared = findLeaks([...series, last]);
    expect(prepared).toEqual(plain);
    expect(() => prepareLeaks(series[0] as never)).toThrow(/prepareLeaks: takes a loaded snapshot/);
  });

  it('earlier snapshots given as graphs (not censuses): the same report', async () => {
    const files = writeSeries('interval');
    const graphs = [];
    for (const file of files) graphs.push(await parseSnapshot(file));
    expect(findLeaks(graphs)).toEqual(await leaksOf(files));
  });

  it('a slow leak (one object every 25 iterations) is a leak; a one-off is not', async () => {
    const { leaks } = await leaksOf(writeSeries('slow-leak'));
    expect(leaks.map((l) => [l.name, l.count])).toEqual([['AuditRecord', 24]]);
  });

  it('snapshots of two processes: one clear error', async () => {
    const [a0, a1] = writeSeries('map-cache', { snapshots: 2 });
    const [b0] = writeSeries('owner-children', { snapshots: 1, warmup: 5000 });
    const series = [takeCensus(await parseSnapshot(a0!)), takeCensus(await parseSnapshot(a1!)), await parseSnapshot(b0!)];
    expect(() => findLeaks(series)).toThrow(/different processes/);
  });

  it('the same snapshot twice (a copy under another name): one clear error, not "no leak"', async () => {
    const [s0, s1, s2] = writeSeries('map-cache');
    // With the real third snapshot it is a leak.
    expect(findLeaks([takeCensus(await parseSnapshot(s0!)), takeCensus(await parseSnapshot(s1!)), await parseSnapshot(s2!)]).leaks).toHaveLength(1);
    const copy = `${s1}.copy.heapsnapshot`;
    copyFileSync(s1!, copy);
    const series = [takeCensus(await parseSnapshot(s0!)), takeCensus(await parseSnapshot(s1!)), await parseSnapshot(copy)];
    expect(() => findLeaks(series)).toThrow(/snapshot 2 and snapshot 3 hold the same objects \(\d+ nodes, the newest @\d+\): the same snapshot given twice/);
  });
});
