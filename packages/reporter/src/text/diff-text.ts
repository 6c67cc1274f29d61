import type { SnapshotDiff } from '@heapdiff/core';
import { paint } from '../format/colour.js';
import { counted } from '../format/counted.js';
import { diffTable, diffTotals } from '../format/diff-table.js';
import { renderTable } from '../format/table.js';
import { checkDiff } from '../format/checked-input.js';

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
  checkDiff('renderDiffText', diff, options);
  const shown = diff.rows.slice(0, options.top ?? diff.rows.length);
  const { columns, cells, retained } = diffTable(diff, shown);
  const p = paint(options.colour ?? false);
  const deltas = new Set(retained ? [6, 7] : [6]);
  // Growth red, shrinking green: the size deltas.
  const lines = renderTable(columns, cells, (row, column, text) => {
    const value = column === 7 ? (shown[row]!.retainedSizeDelta ?? 0) : shown[row]!.sizeDelta;
    if (!deltas.has(column) || value === 0) return text;
    return value > 0 ? p.red(text) : p.green(text);
  });
  const hidden = diff.rows.length - shown.length;
  if (hidden > 0) lines.push(`… ${counted(hidden, 'more class', 'more classes')}`);
  const { net, detail } = diffTotals(diff);
  lines.push(`${detail}: ${net} in ${counted(diff.rows.length, 'class', 'classes')} that changed`);
  return `${lines.join('\n')}\n`;
}
