import type { SnapshotDiff } from '@heapdiff/core';
import { counted } from '../format/counted.js';
import { markdownTable } from '../format/markdown-table.js';
import { diffTable, diffTotals } from '../format/diff-table.js';
import { checkDiff } from '../format/checked-input.js';

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
  checkDiff('renderDiffMarkdown', diff, options);
  const shown = diff.rows.slice(0, options.top ?? diff.rows.length);
  const { columns, cells } = diffTable(diff, shown);
  const { net, detail } = diffTotals(diff);
  const files = options.baseFile && options.currentFile ? ` (\`${options.baseFile}\` → \`${options.currentFile}\`)` : '';
  const lines = [
    `### Heap comparison${files}`,
    '',
    `${net}: ${detail}.`,
    '',
    ...markdownTable(
      columns.map((c) => c.title),
      columns.map((c) => c.align),
      cells,
    ),
  ];
  const hidden = diff.rows.length - shown.length;
  if (hidden > 0) lines.push('', `… and ${counted(hidden, 'more class', 'more classes')}.`);
  return `${lines.join('\n')}\n`;
}
