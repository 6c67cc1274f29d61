import { describe, expect, it } from 'vitest';
import { viewDiff, type ClassDiffRow, type SnapshotDiff } from '@heapdiff/core';

const row = (className: string, newCount: number, deletedCount: number, size: number): ClassDiffRow => ({
  className,
  newCount,
  deletedCount,
  countDelta: newCount - deletedCount,
  allocSize: newCount * size,
  freedSize: deletedCount * size,
  sizeDelta: (newCount - deletedCount) * size,
});
const diff: SnapshotDiff = {
  rows: [row('Session', 10, 0, 56), row('Buffer', 1, 5, 100), row('SessionStore', 2, 1, 8)],
  newCount: 13,
  deletedCount: 6,
  allocSize: 676,
  freedSize: 508,
  commonCount: 100,
  base: { nodeCount: 1, maxJsNodeId: 1 },
  current: { nodeCount: 1, maxJsNodeId: 3 },
};

describe('viewDiff', () => {
  it('sorts by a column, biggest first, or by name', () => {
    expect(viewDiff(diff).rows.map((r) => r.className)).toEqual(['Session', 'SessionStore', 'Buffer']);
    expect(viewDiff(diff, { sort: 'deleted' }).rows.map((r) => r.className)).toEqual(['Buffer', 'SessionStore', 'Session']);
    expect(viewDiff(diff, { sort: 'name' }).rows.map((r) => r.className)).toEqual(['Buffer', 'Session', 'SessionStore']);
  });

  it('filters by name (any case), and the totals follow the rows kept', () => {
    const view = viewDiff(diff, { filter: 'SESSION', sort: 'count-delta' });
    expect(view.rows.map((r) => r.className)).toEqual(['Session', 'SessionStore']);
    expect(view).toMatchObject({ newCount: 12, deletedCount: 1, allocSize: 576, freedSize: 8, commonCount: 100 });
    expect(viewDiff(diff).newCount).toBe(13);
  });
});

describe('library arguments of the wrong kind get a TypeError that says what was expected', () => {
  it('viewDiff', () => {
    expect(() => viewDiff(undefined as unknown as SnapshotDiff)).toThrow('viewDiff: takes a comparison (diffSnapshots), got undefined');
    const diff = { rows: [], newCount: 0, deletedCount: 0, allocSize: 0, freedSize: 0 } as unknown as SnapshotDiff;
    expect(() => viewDiff(diff, null as unknown as object)).toThrow('viewDiff: the view must be an object, got null');
    expect(() => viewDiff(diff, { sort: 'bogus' as never })).toThrow(/^viewDiff: sort must be one of size-delta, .*, name, got "bogus"$/);
    expect(() => viewDiff(diff, { filter: 5 as never })).toThrow('viewDiff: filter must be a string, got 5');
  });
});
