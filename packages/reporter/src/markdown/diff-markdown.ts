import type { SnapshotDiff } from '@heapdiff/core';
import { formatBytes, formatCount } from '@heapdiff/core';
import { classLabels } from '../format/class-label.js';
import { counted } from '../format/counted.js';
import { markdownTable } from '../format/markdown-table.js';
import { signedBytes, signedCount } from '../format/signed.js';

export interface DiffMarkdownOptions {
  top?: number;
  baseFile?: string;
  currentFile?: string;
}

/**
 * A comparison as Markdown for a pull-request comment: a heading, the totals, one table row per class.
 *
 * @example await writeFile('diff.md', renderDiffMarkdown(diff, { top: 15 }))
 */
export function renderDiffMarkdown(diff: SnapshotDiff, options: DiffMarkdownOptions = {}): string {
  const shown = diff.rows.slice(0, options.top ?? diff.rows.length);
  const retained = diff.rows.some((row) => row.retainedSizeDelta !== undefined);
  const labels = classLabels(shown);
  const files = options.baseFile && options.currentFile ? ` (\`${options.baseFile}\` → \`${options.currentFile}\`)` : '';
  const lines = [
    `### Heap comparison${files}`,
    '',
    `${signedCount(diff.newCount - diff.deletedCount)} objects, ${signedBytes(diff.allocSize - diff.freedSize)}: ` +
      `${counted(diff.newCount, 'new object')} (${formatBytes(diff.allocSize)}), ${counted(diff.deletedCount, 'deleted object')} (${formatBytes(diff.freedSize)}).`,
    '',
    ...markdownTable(
      ['class', '# new', '# deleted', '# delta', 'alloc. size', 'freed size', 'size delta', ...(retained ? ['retained delta'] : [])],
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', ...(retained ? (['right'] as const) : [])],
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
    ),
  ];
  const hidden = diff.rows.length - shown.length;
  if (hidden > 0) lines.push('', `… and ${counted(hidden, 'more class', 'more classes')}.`);
  return `${lines.join('\n')}\n`;
}
