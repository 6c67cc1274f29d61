import type { HeapSummary } from '@heapdiff/core';
import { formatBytes, formatCount } from '@heapdiff/core';
import { classLabels } from '../format/class-label.js';
import { counted } from '../format/counted.js';
import { renderTable } from '../format/table.js';

export interface SummaryTextOptions {
  /** Rows shown; the rest are folded into one "… N more classes" line. Default: all. */
  top?: number;
}

/**
 * Renders a class summary as an aligned table: `class | # objects | shallow size`, and
 * `retained size` when the summary has retained sizes.
 *
 * @example
 * process.stdout.write(renderSummaryText(summarizeClasses(graph), { top: 20 }))
 */
export function renderSummaryText(summary: HeapSummary, options: SummaryTextOptions = {}): string {
  const top = options.top ?? summary.rows.length;
  const shown = summary.rows.slice(0, top);
  const retained = summary.rows.some((row) => row.retainedSize !== undefined);
  const labels = classLabels(shown);
  const lines = renderTable(
    [
      { title: 'class', align: 'left', maxWidth: 60 },
      { title: '# objects', align: 'right' },
      { title: 'shallow size', align: 'right' },
      ...(retained ? [{ title: 'retained size', align: 'right' as const }] : []),
    ],
    shown.map((row, i) => [
      labels[i]!,
      formatCount(row.count),
      formatBytes(row.selfSize),
      ...(retained ? [formatBytes(row.retainedSize ?? 0)] : []),
    ]),
  );
  const hidden = summary.rows.length - shown.length;
  if (hidden > 0) lines.push(`… ${counted(hidden, 'more class', 'more classes')}`);
  lines.push(
    `${counted(summary.totalCount, 'object')} in ${counted(summary.rows.length, 'class', 'classes')}, ${formatBytes(summary.totalSelfSize)} in total`,
  );
  return `${lines.join('\n')}\n`;
}
