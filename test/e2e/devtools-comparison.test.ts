import { describe, expect, it } from 'vitest';
import { diffSnapshots, parseSnapshot, SnapshotsUnrelatedError, takeCensus, type SnapshotDiff } from '@heapdiff/core';
import { devToolsKey } from '../helpers/devtools/class-rows.js';
import { loadWithDevTools } from '../helpers/devtools/load-with-devtools.js';
import { nodeForBigScriptSnapshots } from '../helpers/node-for-snapshots.js';
import { writeSeries } from '../helpers/snapshot-series.js';

interface DevToolsDiff {
  addedCount: number;
  removedCount: number;
  addedSize: number;
  removedSize: number;
}

/** DevTools' Comparison view of two snapshot files, by class key, as its panel computes it. */
async function devToolsComparison(baseFile: string, currentFile: string) {
  const base = await loadWithDevTools(baseFile);
  const current = await loadWithDevTools(currentFile);
  const definitions = (current['interfaceDefinitions'] as () => string)();
  const aggregates = (base['aggregatesForDiff'] as (d: string) => unknown)(definitions);
  const diff = (current['calculateSnapshotDiff'] as (id: string, a: unknown) => Record<string, DevToolsDiff>)('base', aggregates);
  return Object.fromEntries(
    Object.entries(diff).map(([key, d]) => [key, { newCount: d.addedCount, deletedCount: d.removedCount, allocSize: d.addedSize, freedSize: d.removedSize }]),
  );
}

function byKey(diff: SnapshotDiff) {
  return Object.fromEntries(
    diff.rows.map((r) => [devToolsKey(r), { newCount: r.newCount, deletedCount: r.deletedCount, allocSize: r.allocSize, freedSize: r.freedSize }]),
  );
}

const node22 = nodeForBigScriptSnapshots();

describe("diffSnapshots equals DevTools' Comparison view", () => {
  it.each([
    ['owner-children', 'this Node'],
    ['map-cache', 'this Node'],
    ['listener', 'Node 22'],
  ])('%s on %s: every class, # New, # Deleted, alloc and freed size', async (scenario, on) => {
    const node = on === 'Node 22' ? node22 : process.execPath;
    if (!node) return;
    const [s0, , s2] = writeSeries(scenario, { node });
    const ours = diffSnapshots(takeCensus(await parseSnapshot(s0!)), await parseSnapshot(s2!));
    const theirs = await devToolsComparison(s0!, s2!);
    expect(Object.keys(theirs).length).toBeGreaterThan(10);
    expect(byKey(ours)).toEqual(theirs);
    // The leak is there, under its own class (not folded into another of the same name).
    const leaked = { 'owner-children': 'Session', 'map-cache': 'CachedResponse', listener: 'Connection' }[scenario]!;
    expect(ours.rows.find((r) => r.className === leaked)).toMatchObject({ newCount: 600, deletedCount: 0 });
  });

  it('a census or a graph on either side gives the same diff, and retained-size deltas when asked', async () => {
    const [s0, s1] = writeSeries('owner-children', { snapshots: 2 });
    const [g0, g1] = [await parseSnapshot(s0!), await parseSnapshot(s1!)];
    const fromGraphs = diffSnapshots(g0, g1, { retained: true });
    const fromCensus = diffSnapshots(takeCensus(g0, { retained: true }), g1, { retained: true });
    expect(fromCensus).toEqual(fromGraphs);
    const session = fromGraphs.rows.find((r) => r.className === 'Session')!;
    expect(session.newCount).toBe(300);
    // Each Session holds its Cart, items and user record: more than its own size.
    expect(session.retainedSizeDelta).toBeGreaterThan(session.sizeDelta * 3);
    expect(diffSnapshots(g0, g1).rows[0]).not.toHaveProperty('retainedSizeDelta');
  });
});

describe('snapshots that cannot be compared by id', () => {
  it('two processes: one clear error', async () => {
    const [a] = writeSeries('map-cache', { snapshots: 1, warmup: 2000 });
    const [b] = writeSeries('owner-children', { snapshots: 1, warmup: 3000 });
    const [g0, g1] = [takeCensus(await parseSnapshot(a!)), await parseSnapshot(b!)];
    expect(() => diffSnapshots(g0, g1)).toThrow(SnapshotsUnrelatedError);
    expect(() => diffSnapshots(g0, g1)).toThrow(/different processes/);
  });

  it('the same process in the wrong order: the error says so', async () => {
    const [s0, s1] = writeSeries('map-cache', { snapshots: 2 });
    const g1 = await parseSnapshot(s1!);
    const g0 = await parseSnapshot(s0!);
    expect(() => diffSnapshots(g1, g0)).toThrow(/wrong order \(base first\)/);
  });
});
