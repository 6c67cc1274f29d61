import { describe, expect, it } from 'vitest';
import { parseSnapshot, summarizeClasses } from '@heapdiff/core';
import { inflatedFixture } from '../helpers/fixtures.js';
import { loadWithDevTools } from '../helpers/devtools/load-with-devtools.js';
import { buildSnapshotText, tinySnapshotNodes } from '../helpers/snapshot-builder.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/fixtures.js';

/**
 * DevTools' Summary, grouped by class name. DevTools also splits plain `Object`s into shape
 * groups named like `{a, b}`; heapdiff keeps them under `Object`, so those are folded back.
 */
async function devToolsSummary(file: string) {
  const snapshot = await loadWithDevTools(file);
  const byName = new Map<string, { count: number; selfSize: number }>();
  for (const aggregate of Object.values(snapshot.aggregatesWithFilter({}))) {
    const name = aggregate.name.startsWith('{') ? 'Object' : aggregate.name;
    const row = byName.get(name) ?? { count: 0, selfSize: 0 };
    row.count += aggregate.count;
    row.selfSize += aggregate.self;
    byName.set(name, row);
  }
  return byName;
}

async function ourSummary(file: string) {
  const graph = await parseSnapshot(file);
  return new Map(summarizeClasses(graph).rows.map((r) => [r.className, { count: r.count, selfSize: r.selfSize }]));
}

describe("the class summary equals DevTools' Summary", () => {
  it.each([18, 20, 22, 24, 26, 'chrome'] as const)('on the %s snapshot: every class, count and shallow size', async (major) => {
    const file = inflatedFixture(major);
    const [ours, theirs] = await Promise.all([ourSummary(file), devToolsSummary(file)]);
    expect(ours.size).toBeGreaterThan(100);
    expect(Object.fromEntries(ours)).toEqual(Object.fromEntries(theirs));
  });

  it('on a hand-made snapshot (DOM-style names, zero sizes)', async () => {
    const file = join(tempDir(), 'tiny.heapsnapshot');
    writeFileSync(file, buildSnapshotText(tinySnapshotNodes()));
    expect(Object.fromEntries(await ourSummary(file))).toEqual(Object.fromEntries(await devToolsSummary(file)));
  });
});
