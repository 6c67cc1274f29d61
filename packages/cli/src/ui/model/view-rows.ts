import type { ClassSummaryRow } from '@heapdiff/core';
import { classLabels, printable } from '@heapdiff/reporter';
import type { LineInfo, UiContext } from '../state/reducer.js';
import { ASCENDING_COLUMNS, type InstanceSource, type Screen, type TabName, type View } from '../state/ui-state.js';
import type { ComparisonModel, ComparisonRow } from './comparison-model.js';
import type { LeakRow, LeaksModel } from './leaks-model.js';
import { nodeDetailLines, type DetailLine } from './node-detail.js';
import type { InstanceSort, SnapshotModel } from './snapshot-model.js';

/** What the UI browses: the last snapshot, and with more files the comparison and the leaks. */
export interface UiData {
  /** The snapshot files, oldest first. */
  readonly files: readonly string[];
  readonly summary: SnapshotModel;
  /** With two or more snapshots: the last against the one before. */
  readonly comparison?: ComparisonModel;
  /** With three or more. */
  readonly leaks?: LeaksModel;
}

/** The tabs a data set fills. */
export function tabsOf(data: UiData): TabName[] {
  return ['summary', ...(data.comparison ? (['comparison'] as const) : []), ...(data.leaks ? (['leaks'] as const) : [])];
}

/** A row of a class table with the label it shows (names made printable, same names told apart by file). */
export type Labelled<T> = T & { readonly label: string };

/** An instance list: its length and its rows in order, read one by one. */
export interface InstanceList {
  readonly length: number;
  nodeAt(index: number): number;
}

/**
 * The rows of every view, filtered and sorted as the view says, worked out once per view
 * setting and kept (a keystroke that only moves the selection costs nothing here). It is also
 * the reducer's window onto the data (`UiContext`).
 */
export class ViewRows {
  readonly data: UiData;
  #memo = new Map<string, unknown>();
  readonly #classLabels: readonly string[];
  readonly #comparisonLabels: readonly string[];
  readonly #leakLabels: readonly string[];

  constructor(data: UiData) {
    this.data = data;
    this.#classLabels = classLabels(data.summary.classes);
    this.#comparisonLabels = classLabels(data.comparison?.rows ?? []);
    this.#leakLabels = classLabels((data.leaks?.rows ?? []).map((row) => ({ className: row.group.name, ...(row.group.location ? { location: row.group.location } : {}) })));
  }

  classes(view: View): readonly Labelled<ClassSummaryRow>[] {
    return this.#kept(`classes ${view.sort} ${view.reverse} ${view.filter}`, () =>
      ordered(
        this.data.summary.classes.map((row, i) => ({ ...row, label: this.#classLabels[i]! })),
        view,
        (row, column) => ({ name: row.label, count: row.count, shallow: row.selfSize, retained: row.retainedSize ?? 0 })[column],
      ),
    );
  }

  comparison(view: View): readonly Labelled<ComparisonRow>[] {
    return this.#kept(`comparison ${view.sort} ${view.reverse} ${view.filter}`, () =>
      ordered(
        (this.data.comparison?.rows ?? []).map((row, i) => ({ ...row, label: this.#comparisonLabels[i]! })),
        view,
        (row, column) =>
          ({
            name: row.label,
            new: row.newCount,
            deleted: row.deletedCount,
            delta: row.countDelta,
            alloc: row.allocSize,
            freed: row.freedSize,
            'size-delta': row.sizeDelta,
          })[column],
      ),
    );
  }

  /** Leak rows with their index in `LeaksModel.rows`: leaks first, then bounded groups, each part sorted. */
  leaks(view: View): readonly Labelled<LeakRow & { readonly index: number }>[] {
    return this.#kept(`leaks ${view.sort} ${view.reverse} ${view.filter}`, () => {
      const rows = (this.data.leaks?.rows ?? []).map((row, index) => ({ ...row, index, label: this.#leakLabels[index]! }));
      const value = (row: (typeof rows)[number], column: string): string | number | undefined =>
        ({ name: row.label, count: row.group.count, shallow: row.group.shallowSize, retained: row.group.retainedSize })[column];
      return [...ordered(rows.filter((row) => row.growing), view, value), ...ordered(rows.filter((row) => !row.growing), view, value)];
    });
  }

  instances(view: View): InstanceList {
    if (view.screen.kind !== 'instances') return { length: 0, nodeAt: () => -1 };
    const source = view.screen.source;
    const sorted = this.data.summary.sorted(sourceName(source), () => this.#members(source), view.sort as InstanceSort);
    const reverse = view.reverse;
    return { length: sorted.length, nodeAt: (i) => sorted[reverse ? sorted.length - 1 - i : i]! };
  }

  detail(view: View): readonly DetailLine[] {
    if (view.screen.kind !== 'node') return [];
    const node = view.screen.node;
    return this.#kept(`node ${node} ${view.expanded.join(' ')}`, () => nodeDetailLines(this.data.summary, node, new Set(view.expanded)), 8);
  }

  /** The reducer's view of the data, for a page of `pageSize` rows. */
  context(pageSize: number): UiContext {
    return {
      pageSize,
      length: (view) => this.length(view),
      open: (view, index) => this.open(view, index),
      line: (view, index) => this.line(view, index),
      keyAt: (view, index) => this.keyAt(view, index),
      indexOfKey: (view, key) => this.indexOfKey(view, key),
    };
  }

  /** What row `index` of a view is: a class (by label), a leak group, an object. */
  keyAt(view: View, index: number): string | undefined {
    switch (view.screen.kind) {
      case 'classes':
        return this.classes(view)[index]?.label;
      case 'comparison':
        return this.comparison(view)[index]?.label;
      case 'leaks': {
        const row = this.leaks(view)[index];
        return row && leakKey(row);
      }
      case 'instances': {
        const list = this.instances(view);
        return index < list.length ? String(list.nodeAt(index)) : undefined;
      }
      case 'node':
        return undefined;
    }
  }

  indexOfKey(view: View, key: string): number {
    switch (view.screen.kind) {
      case 'classes':
        return this.classes(view).findIndex((row) => row.label === key);
      case 'comparison':
        return this.comparison(view).findIndex((row) => row.label === key);
      case 'leaks':
        return this.leaks(view).findIndex((row) => leakKey(row) === key);
      case 'instances': {
        const list = this.instances(view);
        const node = Number(key);
        for (let i = 0; i < list.length; i++) if (list.nodeAt(i) === node) return i;
        return -1;
      }
      case 'node':
        return -1;
    }
  }

  length(view: View): number {
    switch (view.screen.kind) {
      case 'classes':
        return this.classes(view).length;
      case 'comparison':
        return this.comparison(view).length;
      case 'leaks':
        return this.leaks(view).length;
      case 'instances':
        return this.instances(view).length;
      case 'node':
        return this.detail(view).length;
    }
  }

  open(view: View, index: number): Screen | undefined {
    switch (view.screen.kind) {
      case 'classes': {
        const row = this.classes(view)[index];
        return row && { kind: 'instances', source: { from: 'class', classKey: row.classKey }, title: row.label };
      }
      case 'comparison': {
        const row = this.comparison(view)[index];
        if (!row || row.classKey === undefined || row.newCount === 0) return undefined;
        return { kind: 'instances', source: { from: 'new', classKey: row.classKey }, title: `${row.label} (new)` };
      }
      case 'leaks': {
        const row = this.leaks(view)[index];
        return row && { kind: 'instances', source: { from: 'leak', row: row.index }, title: `${row.label} (leak roots)` };
      }
      case 'instances': {
        if (index >= this.instances(view).length) return undefined;
        const node = this.instances(view).nodeAt(index);
        return { kind: 'node', node, title: `@${this.data.summary.graph.nodeId(node)}` };
      }
      case 'node': {
        const line = this.detail(view)[index];
        if (line?.node === undefined || line.node === view.screen.node) return undefined;
        return { kind: 'node', node: line.node, title: `@${this.data.summary.graph.nodeId(line.node)}` };
      }
    }
  }

  line(view: View, index: number): LineInfo | undefined {
    return this.detail(view)[index];
  }

  #members(source: InstanceSource): Uint32Array {
    switch (source.from) {
      case 'class':
        return this.data.summary.members(source.classKey);
      case 'new':
        return this.data.comparison?.newMembers(source.classKey) ?? new Uint32Array(0);
      case 'leak': {
        const row = this.data.leaks?.rows[source.row];
        return row ? this.data.leaks!.members(row) : new Uint32Array(0);
      }
    }
  }

  /** Memoised by key; detail lines keep only the last few (they hold many objects). */
  #kept<T>(key: string, make: () => T, limit = 64): T {
    if (this.#memo.has(key)) return this.#memo.get(key) as T;
    const value = make();
    if (this.#memo.size >= limit) this.#memo.delete(this.#memo.keys().next().value!);
    this.#memo.set(key, value);
    return value;
  }
}

/** A leak group as the table names it (the same in the next snapshot's report). */
export function leakKey(row: Labelled<LeakRow>): string {
  return `${row.growing ? '' : '(bounded) '}${row.label}${row.group.heldBy ? ` held by ${printable(row.group.heldBy)}` : ''}`;
}

function sourceName(source: InstanceSource): string {
  return source.from === 'leak' ? `leak ${source.row}` : `${source.from} ${source.classKey}`;
}

/** Rows filtered by label and sorted by the view's column (ties by label). */
function ordered<T extends { readonly label: string }>(rows: readonly T[], view: View, value: (row: T, column: string) => string | number | undefined): T[] {
  const needle = view.filter.toLowerCase();
  const kept = needle ? rows.filter((row) => row.label.toLowerCase().includes(needle)) : [...rows];
  const ascending = ASCENDING_COLUMNS.has(view.sort) !== view.reverse;
  const sign = ascending ? 1 : -1;
  return kept.sort((a, b) => {
    const x = value(a, view.sort);
    const y = value(b, view.sort);
    const byValue = typeof x === 'number' && typeof y === 'number' ? x - y : compareText(String(x), String(y));
    return sign * byValue || compareText(a.label, b.label);
  });
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
