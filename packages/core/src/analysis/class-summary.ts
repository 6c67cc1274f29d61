import { classKeys, type ClassGrouping, type SourceLocation } from '../graph/class-keys.js';
import type { HeapGraph } from '../graph/heap-graph.js';
import { classRetainedSizes, treeOf } from './class-retained-sizes.js';
import { shallowSizes } from './shallow-sizes.js';

/** One row of the type / count / size summary. */
export interface ClassSummaryRow {
  /** Class name as DevTools' Summary shows it: `Session`, `{id, headers, body}`, `(string)`. */
  readonly className: string;
  /**
   * The class's index in `classKeys(graph, grouping).names` (the grouping the summary used):
   * `classMembers(graph, row.classKey)` lists its objects.
   */
  readonly classKey: number;
  /**
   * Where the class's constructor is defined, when the snapshot says: two classes of the same
   * name from different places are two rows.
   */
  readonly location?: SourceLocation;
  /** Number of objects of this class. */
  readonly count: number;
  /** Sum of their shallow sizes (self sizes as DevTools shows them, see `shallowSizes`), in bytes. */
  readonly selfSize: number;
  /**
   * Bytes freed if every object of the class were freed: the retained sizes of the instances
   * not dominated by another instance of the class. Only with `{ retained: true }`.
   */
  readonly retainedSize?: number;
}

export interface SummaryOptions {
  /** Also compute retained sizes per class (runs the dominator tree analysis). */
  retained?: boolean;
  /**
   * `shape` (default): DevTools' classes — plain objects by shape (`{id, headers, body}`),
   * same-named constructors from different places apart. `name`: by class name only.
   */
  groupBy?: ClassGrouping;
}

export interface HeapSummary {
  /** One row per class, largest total self size first (ties by name). */
  readonly rows: readonly ClassSummaryRow[];
  readonly totalCount: number;
  readonly totalSelfSize: number;
}

/**
 * Counts objects and adds up their shallow sizes per class, in one pass over the nodes, with
 * the numbers DevTools' Summary shows: sizes after `shallowSizes` moved backing stores onto
 * their owners, and nodes whose size is then 0 (synthetic roots, owned parts) left out.
 *
 * @example
 * const { rows } = summarizeClasses(graph)
 * console.log(rows[0]?.className, rows[0]?.count, rows[0]?.selfSize)
 */
export function summarizeClasses(graph: HeapGraph, options: SummaryOptions = {}): HeapSummary {
  const keys = classKeys(graph, options.groupBy ?? 'shape');
  const { keyOf, names } = keys;
  const counts = new Float64Array(names.length);
  const sizes = new Float64Array(names.length);
  const shallow = shallowSizes(graph);
  for (let n = 0; n < graph.nodeCount; n++) {
    const size = shallow[n]!;
    if (size === 0) continue;
    const c = keyOf[n]!;
    counts[c]!++;
    sizes[c]! += size;
  }
  // Instances of size 0 neither count nor hide others, as in DevTools.
  const retained = options.retained
    ? classRetainedSizes(treeOf(graph), { keyOf, classCount: names.length, shallow }).retained
    : undefined;
  const rows: ClassSummaryRow[] = [];
  let totalCount = 0;
  let totalSelfSize = 0;
  for (let c = 0; c < names.length; c++) {
    if (counts[c] === 0) continue;
    const location = keys.locations[c];
    rows.push({
      className: names[c]!,
      classKey: c,
      ...(location ? { location } : {}),
      count: counts[c]!,
      selfSize: sizes[c]!,
      ...(retained ? { retainedSize: retained[c]! } : {}),
    });
    totalCount += counts[c]!;
    totalSelfSize += sizes[c]!;
  }
  rows.sort((a, b) => b.selfSize - a.selfSize || (a.className < b.className ? -1 : a.className > b.className ? 1 : 0));
  return { rows, totalCount, totalSelfSize };
}

export type SummarySortKey = 'size' | 'count' | 'name' | 'retained';

export interface SummaryView {
  /** Keep classes whose name contains this text (case-insensitive). */
  filter?: string;
  /** `size` (default): total self size, largest first; `count`: most objects first; `name`: A→Z. */
  sort?: SummarySortKey;
}

/**
 * A filtered, re-sorted copy of a summary, with totals recomputed over the rows kept.
 *
 * @example viewSummary(summary, { filter: 'session', sort: 'count' })
 */
export function viewSummary(summary: HeapSummary, view: SummaryView = {}): HeapSummary {
  const needle = view.filter?.toLowerCase();
  const rows = needle ? summary.rows.filter((row) => row.className.toLowerCase().includes(needle)) : [...summary.rows];
  const byName = (a: ClassSummaryRow, b: ClassSummaryRow): number =>
    a.className < b.className ? -1 : a.className > b.className ? 1 : 0;
  switch (view.sort ?? 'size') {
    case 'count':
      rows.sort((a, b) => b.count - a.count || b.selfSize - a.selfSize || byName(a, b));
      break;
    case 'name':
      rows.sort(byName);
      break;
    case 'retained':
      rows.sort((a, b) => (b.retainedSize ?? 0) - (a.retainedSize ?? 0) || b.selfSize - a.selfSize || byName(a, b));
      break;
    default:
      rows.sort((a, b) => b.selfSize - a.selfSize || b.count - a.count || byName(a, b));
  }
  let totalCount = 0;
  let totalSelfSize = 0;
  for (const row of rows) {
    totalCount += row.count;
    totalSelfSize += row.selfSize;
  }
  return { rows, totalCount, totalSelfSize };
}
