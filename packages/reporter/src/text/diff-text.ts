import type { SnapshotDiff } from '@heapdiff/core';
import { formatBytes, formatCount } from '@heapdiff/core';
import { classLabels } from '../format/class-label.js';
import { paint } from '../format/colour.js';
import { counted } from '../format/counted.js';
import { signedBytes, signedCount } from '../format/signed.js';
import { renderTable } from '../format/table.js';

export interface DiffTextOptions {
  /** Rows shown; the rest are folded into one line. Default: all. */
  top?: number;
  /** ANSI colours: growth red, shrinking green. Default false. */
  colour?: boolean;
}

/**
 * Renders a comparison of two snapshots as DevTools' Comparison view, one aligned row per
 * class: `# new`, `# deleted`, `# delta`, alloc. size, freed size, size delta (and the
 * retained-size delta when the diff has it).
 *
 * @example process.stdout.write(renderDiffText(diffSnapshots(base, current), { top: 20 }))
 */
export function renderDiffText(diff: SnapshotDiff, options: DiffTextOptions = {}): string {
  const shown = diff.rows.slice(0, options.top ?? diff.rows.length);
  const retained = diff.rows.some((row) => row.retainedSizeDelta !== undefined);
  const p = paint(options.colour ?? false);
  const labels = classLabels(shown);
  const deltas = new Set(retained ? [6, 7] : [6]);
  const coloured = renderTable(
    [
      { title: 'class', align: 'left', maxWidth: 60 },
      { title: '# new', align: 'right' },
      { title: '# deleted', align: 'right' },
      { title: '# delta', align: 'right' },
      { title: 'alloc. size', align: 'right' },
      { title: 'freed size', align: 'right' },
      { title: 'size delta', align: 'right' },
      ...(retained ? [{ title: 'retained delta', align: 'right' as const }] : []),
    ],
    shown.map((row, i) => [
      labels[i]!,
      formatCount(row.newCount),
      formatCount(row.deletedCount),
      signedCount(row.countDelta),
      formatBytes(row.allocSize),
      formatBytes(row.freedSize),
      signedBytes(row.sizeDelta),
      ...(retained ? [signedBytes(row.retainedSizeDelta ?? 0)] : []),
    ]),
    // Growth red, shrinking green: the size deltas.
    (row, column, text) => {
      const value = column === 7 ? (shown[row]!.retainedSizeDelta ?? 0) : shown[row]!.sizeDelta;
      if (!deltas.has(column) || value === 0) return text;
      return value > 0 ? p.red(text) : p.green(text);
    },
  );
  const hidden = diff.rows.length - shown.length;
  if (hidden > 0) coloured.push(`… ${counted(hidden, 'more class', 'more classes')}`);
  coloured.push(
    `${counted(diff.newCount, 'new object')} (${formatBytes(diff.allocSize)}), ${counted(diff.deletedCount, 'deleted object')} (${formatBytes(diff.freedSize)}): ` +
      `${signedCount(diff.newCount - diff.deletedCount)} objects, ${signedBytes(diff.allocSize - diff.freedSize)} in ${counted(diff.rows.length, 'class', 'classes')} that changed`,
  );
  return `${coloured.join('\n')}\n`;
}
