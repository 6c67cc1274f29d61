import { formatBytes, formatCount } from '@heapdiff/core';
import { printable } from '@heapdiff/reporter';
import { distanceText } from '../model/snapshot-model.js';
import { leakKey, type ViewRows } from '../model/view-rows.js';
import type { View } from '../state/ui-state.js';
import { signed, sparkline, type Column } from './cells.js';

/** A table screen's columns and the cells of its rows on screen. */
export interface ScreenTable {
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly string[])[];
  readonly dim?: readonly boolean[];
  readonly empty: string;
}

const bytes = (n: number): string => formatBytes(n);

const count = (n: number): string => formatCount(n);

/** The rows `view` shows from `first` for `size` rows, as cells. */
export function screenTable(view: View, data: ViewRows, first: number, size: number): ScreenTable {
  const filtered = view.filter ? ` matching "${printable(view.filter)}"` : '';
  switch (view.screen.kind) {
    case 'classes': {
      const rows = data.classes(view).slice(first, first + size);
      return {
        columns: [
          { title: 'Class', width: 0, align: 'left', sort: 'name', key: 'n' },
          { title: 'Objects', width: 12, align: 'right', sort: 'count', key: 'c' },
          { title: 'Shallow', width: 11, align: 'right', sort: 'shallow', key: 'h' },
          { title: 'Retained', width: 12, align: 'right', sort: 'retained', key: 'r' },
        ],
        rows: rows.map((r) => [r.label, count(r.count), bytes(r.selfSize), bytes(r.retainedSize ?? 0)]),
        empty: `No classes${filtered}.`,
      };
    }
    case 'comparison': {
      const rows = data.comparison(view).slice(first, first + size);
      return {
        columns: [
          { title: 'Class', width: 0, align: 'left', sort: 'name', key: 'n' },
          { title: 'New', width: 9, align: 'right', sort: 'new', key: 'w' },
          { title: 'Deleted', width: 9, align: 'right', sort: 'deleted', key: 'd' },
          { title: 'Delta', width: 9, align: 'right', sort: 'delta', key: 'c' },
          { title: 'Alloc', width: 10, align: 'right', sort: 'alloc', key: 'a' },
          { title: 'Freed', width: 10, align: 'right', sort: 'freed', key: 'f' },
          { title: 'Size Δ', width: 11, align: 'right', sort: 'size-delta', key: 'z' },
        ],
        rows: rows.map((r) => [r.label, count(r.newCount), count(r.deletedCount), signed(r.countDelta, count), bytes(r.allocSize), bytes(r.freedSize), signed(r.sizeDelta, bytes)]),
        empty: `Nothing changed between the two snapshots${filtered}.`,
      };
    }
    case 'leaks': {
      const rows = data.leaks(view).slice(first, first + size);
      return {
        columns: [
          { title: 'Leak', width: 0, align: 'left', sort: 'name', key: 'n' },
          { title: 'Roots', width: 10, align: 'right', sort: 'count', key: 'c' },
          { title: 'Retained', width: 12, align: 'right', sort: 'retained', key: 'r' },
          { title: 'Shallow', width: 11, align: 'right', sort: 'shallow', key: 'h' },
          { title: 'Live', width: 8, align: 'left' },
        ],
        rows: rows.map((r) => [
          leakKey(r),
          count(r.group.count),
          bytes(r.group.retainedSize),
          bytes(r.group.shallowSize),
          sparkline(r.group.liveCounts.slice(-8)),
        ]),
        dim: rows.map((r) => !r.growing),
        empty: view.filter ? `No leaks${filtered} (Esc clears the filter).` : 'No new objects alive at the end: nothing leaks across these snapshots.',
      };
    }
    case 'instances': {
      const list = data.instances(view);
      const rows = [];
      for (let i = first; i < Math.min(list.length, first + size); i++) {
        const row = data.data.summary.row(list.nodeAt(i));
        rows.push([row.label, bytes(row.selfSize), bytes(row.retainedSize), distanceText(row.distance)]);
      }
      return {
        columns: [
          { title: 'Object', width: 0, align: 'left', sort: 'id', key: 'i' },
          { title: 'Shallow', width: 11, align: 'right', sort: 'shallow', key: 'h' },
          { title: 'Retained', width: 12, align: 'right', sort: 'retained', key: 'r' },
          { title: 'Distance', width: 12, align: 'right', sort: 'distance', key: 'd' },
        ],
        rows,
        empty: 'No objects.',
      };
    }
    case 'node':
      return { columns: [], rows: [], empty: '' };
  }
}
