import type { SnapshotDiff } from '@heapdiff/core';
import { formatBytes, formatCount } from '@heapdiff/core';
import { classLabels } from './class-label.js';
import { counted, noun } from './counted.js';
import { signedBytes, signedCount } from './signed.js';
import type { Column } from './table.js';

/**
 * The columns and cells of a comparison's table, the same in text and Markdown: class, `# new`,
 * `# deleted`, `# delta`, alloc. size, freed size, size delta, and the retained-size delta when
 * the diff has it. `rows` are the ones shown (after --top).
 */
export function diffTable(diff: SnapshotDiff, rows: SnapshotDiff['rows']): { columns: Column[]; cells: string[][]; retained: boolean } {
  const retained = diff.rows.some((row) => row.retainedSizeDelta !== undefined);
  const labels = classLabels(rows);
  const columns: Column[] = [
    { title: 'class', align: 'left', maxWidth: 60 },
    { title: '# new', align: 'right' },
    { title: '# deleted', align: 'right' },
    { title: '# delta', align: 'right' },
    { title: 'alloc. size', align: 'right' },
    { title: 'freed size', align: 'right' },
    { title: 'size delta', align: 'right' },
    ...(retained ? [{ title: 'retained delta', align: 'right' as const }] : []),
  ];
  const cells = rows.map((row, i) => [
    labels[i]!,
    formatCount(row.newCount),
    formatCount(row.deletedCount),
    signedCount(row.countDelta),
    formatBytes(row.allocSize),
    formatBytes(row.freedSize),
    signedBytes(row.sizeDelta),
    ...(retained ? [signedBytes(row.retainedSizeDelta ?? 0)] : []),
  ]);
  return { columns, cells, retained };
}

/** The totals line under a comparison: new and deleted objects and bytes, and the net change. */
export function diffTotals(diff: SnapshotDiff): { net: string; detail: string } {
  return {
    net: `${signedCount(diff.newCount - diff.deletedCount)} ${noun(diff.newCount - diff.deletedCount, 'object')}, ${signedBytes(diff.allocSize - diff.freedSize)}`,
    detail: `${counted(diff.newCount, 'new object')} (${formatBytes(diff.allocSize)}), ${counted(diff.deletedCount, 'deleted object')} (${formatBytes(diff.freedSize)})`,
  };
}
