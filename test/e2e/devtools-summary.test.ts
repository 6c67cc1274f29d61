import { describe, expect, it } from 'vitest';
import { parseSnapshot, summarizeClasses } from '@heapdiff/core';
import { inflatedFixture } from '../helpers/fixtures.js';
import { devToolsRowsByKey, ourRowsByKey } from '../helpers/devtools/class-rows.js';
import { loadWithDevTools } from '../helpers/devtools/load-with-devtools.js';
import { buildSnapshotText, tinySnapshotNodes } from '../helpers/snapshot-builder.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/fixtures.js';

/** DevTools' Summary and heapdiff's, row by row by DevTools' class keys (counts and shallow sizes). */
const devToolsSummary = async (file: string) => devToolsRowsByKey(await loadWithDevTools(file), false);
const ourSummary = async (file: string) => ourRowsByKey(summarizeClasses(await parseSnapshot(file)));

describe("the class summary equals DevTools' Summary", () => {
  it.each([18, 20, 22, 24, 26, 'chrome'] as const)('on the %s snapshot: every row (plain objects by shape, constructors by place), count and shallow size', async (major) => {
    const file = inflatedFixture(major);
    const [ours, theirs] = await Promise.all([ourSummary(file), devToolsSummary(file)]);
    expect(Object.keys(ours).length).toBeGreaterThan(100);
    expect(ours).toEqual(theirs);
  });

  it('on a hand-made snapshot (DOM-style names, zero sizes)', async () => {
    const file = join(tempDir(), 'tiny.heapsnapshot');
    writeFileSync(file, buildSnapshotText(tinySnapshotNodes()));
    expect(await ourSummary(file)).toEqual(await devToolsSummary(file));
  });
});
