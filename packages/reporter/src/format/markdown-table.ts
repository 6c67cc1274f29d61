/**
 * A GitHub-flavoured Markdown table; `|`, backticks and line breaks in cells are escaped so
 * that class names and paths cannot break the table.
 *
 * @example markdownTable(['class', '# new'], ['left', 'right'], [['Session', '600']])
 */
export function markdownTable(titles: readonly string[], align: readonly ('left' | 'right')[], rows: readonly (readonly string[])[]): string[] {
  const cell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  return [
    `| ${titles.map(cell).join(' | ')} |`,
    `| ${align.map((a) => (a === 'right' ? '---:' : ':---')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
}

/** Inline code for Markdown: backticks in the text are fenced by longer runs. */
export function inlineCode(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\r?\n/g, ' ')}${pad}${fence}`;
}
