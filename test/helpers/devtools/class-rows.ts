import type { HeapSummary } from '@heapdiff/core';
import type { DevToolsSnapshot } from './load-with-devtools.js';

export interface ClassRow {
  count: number;
  selfSize: number;
  retainedSize?: number;
}

/** DevTools' key of a row: `,name`, or `script,line,column,name` for a located constructor. */
export function devToolsKey(row: { className: string; location?: { scriptId: number; line: number; column: number } }): string {
  const at = row.location;
  return at ? `${at.scriptId},${at.line},${at.column},${row.className}` : `,${row.className}`;
}

/** What `ourRowsByKey` reads of a summary row: `HeapSummary`'s, or the summary JSON's (with 0-based positions). */
type SummaryRow = Pick<HeapSummary['rows'][number], 'className' | 'count' | 'selfSize' | 'retainedSize'> & {
  location?: { scriptId: number; line: number; column: number } | undefined;
};

/**
 * heapdiff's summary rows by DevTools' keys. DevTools lumps a user object named `Function`
 * (with no location) in with the closures; heapdiff keeps two rows, added together here.
 */
export function ourRowsByKey(summary: { rows: readonly SummaryRow[] }): Record<string, ClassRow> {
  const rows: Record<string, ClassRow> = {};
  for (const r of summary.rows) {
    const key = devToolsKey(r);
    const row = rows[key];
    rows[key] = {
      count: (row?.count ?? 0) + r.count,
      selfSize: (row?.selfSize ?? 0) + r.selfSize,
      ...(r.retainedSize === undefined ? {} : { retainedSize: (row?.retainedSize ?? 0) + r.retainedSize }),
    };
  }
  return rows;
}

/** DevTools' Summary rows by its keys, with retained sizes when `retained`. */
export function devToolsRowsByKey(snapshot: DevToolsSnapshot, retained: boolean): Record<string, ClassRow> {
  const rows: Record<string, ClassRow> = {};
  for (const [key, a] of Object.entries(snapshot.aggregatesWithFilter({}))) {
    rows[key] = retained ? { count: a.count, selfSize: a.self, retainedSize: a.maxRet } : { count: a.count, selfSize: a.self };
  }
  return rows;
}
