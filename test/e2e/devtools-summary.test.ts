import { describe, expect, it } from 'vitest';
import { parseSnapshot, summarizeClasses } from '@heapdiff/core';
import { inflatedFixture } from '../helpers/fixtures.js';
import { loadWithDevTools } from '../helpers/devtools/load-with-devtools.js';
import { buildSnapshotText, tinySnapshotNodes } from '../helpers/snapshot-builder.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/fixtures.js';

/** DevTools' Summary: its rows by class key (`,name`, or `script,line,column,name` when located). */
async function devToolsSummary(file: string) {
  const snapshot = await loadWithDevTools(file);
  const rows = new Map<string, { count: number; selfSize: number }>();
  for (const [key, aggregate] of Object.entries(snapshot.aggregatesWithFilter({}))) {
    rows.set(key, { count: aggregate.count, selfSize: aggregate.self });
  }
  return rows;
}

/** heapdiff's summary by the same keys. */
async function ourSummary(file: string, groupBy?: 'name') {
  const graph = await parseSnapshot(file);
  const rows = new Map<string, { count: number; selfSize: number }>();
  for (const r of summarizeClasses(graph, { groupBy }).rows) {
    const key = r.location ? `${r.location.scriptId},${r.location.line},${r.location.column},${r.className}` : `,${r.className}`;
    // DevTools lumps a user object named `Function` (no location) with the closures; heapdiff does not.
    const row = rows.get(key) ?? { count: 0, selfSize: 0 };
    rows.set(key, { count: row.count + r.count, selfSize: row.selfSize + r.selfSize });
  }
  return rows;
}

describe("the class summary equals DevTools' Summary", () => {
  it.each([18, 20, 22, 24, 26, 'chrome'] as const)('on the %s snapshot: every row (plain objects by shape, constructors by place), count and shallow size', async (major) => {
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
