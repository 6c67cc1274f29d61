import { shown } from '../format/shown.js';
import type { ClassDiffRow, SnapshotDiff } from './snapshot-diff.js';

/** Orders of a comparison's rows: by a column (biggest first), or by class name. */
export type DiffSortKey = 'size-delta' | 'count-delta' | 'new' | 'deleted' | 'alloc' | 'freed' | 'retained-delta' | 'name';

export interface DiffView {
  /** Keep classes whose name contains this text (case-insensitive); the totals follow. */
  filter?: string;
  /** Default `size-delta`: biggest growth first. */
  sort?: DiffSortKey;
}

const COLUMN: Record<Exclude<DiffSortKey, 'name'>, (row: ClassDiffRow) => number> = {
  'size-delta': (r) => r.sizeDelta,
  'count-delta': (r) => r.countDelta,
  new: (r) => r.newCount,
  deleted: (r) => r.deletedCount,
  alloc: (r) => r.allocSize,
  freed: (r) => r.freedSize,
  'retained-delta': (r) => r.retainedSizeDelta ?? 0,
};

/**
 * A filtered, re-sorted copy of a comparison, with its totals recomputed over the rows kept
 * (as `viewSummary` does for a summary).
 *
 * @example viewDiff(diffSnapshots(base, current), { filter: 'session', sort: 'count-delta' })
 */
export function viewDiff(diff: SnapshotDiff, view: DiffView = {}): SnapshotDiff {
  if (!Array.isArray(diff?.rows)) throw new TypeError(`viewDiff: takes a comparison (diffSnapshots), got ${shown(diff)}`);
  if (view === null || typeof view !== 'object') throw new TypeError(`viewDiff: the view must be an object, got ${shown(view)}`);
  if (view.filter !== undefined && typeof view.filter !== 'string') throw new TypeError(`viewDiff: filter must be a string, got ${shown(view.filter)}`);
  if (view.sort !== undefined && view.sort !== 'name' && !Object.hasOwn(COLUMN, view.sort)) {
    throw new TypeError(`viewDiff: sort must be one of ${[...Object.keys(COLUMN), 'name'].join(', ')}, got ${shown(view.sort)}`);
  }
  const needle = view.filter?.toLowerCase();
  const rows = needle ? diff.rows.filter((row) => row.className.toLowerCase().includes(needle)) : [...diff.rows];
  const byName = (a: ClassDiffRow, b: ClassDiffRow): number => (a.className < b.className ? -1 : a.className > b.className ? 1 : 0);
  const sort = view.sort ?? 'size-delta';
  if (sort === 'name') rows.sort(byName);
  else {
    const value = COLUMN[sort];
    rows.sort((a, b) => value(b) - value(a) || byName(a, b));
  }
  if (!needle) return { ...diff, rows };
  const sum = (value: (row: ClassDiffRow) => number): number => rows.reduce((total, row) => total + value(row), 0);
  return {
    ...diff,
    rows,
    newCount: sum((r) => r.newCount),
    deletedCount: sum((r) => r.deletedCount),
    allocSize: sum((r) => r.allocSize),
    freedSize: sum((r) => r.freedSize),
  };
}
