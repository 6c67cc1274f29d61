import { printable } from './printable.js';

/**
 * A GitHub-flavoured Markdown table; cells are made printable (no line breaks) and `|`, `\\`,
 * `<` and the characters of links, images and emphasis escaped, so that class names and paths
 * cannot break the table, make HTML, a link or an image.
 *
 * @example markdownTable(['class', '# new'], ['left', 'right'], [['Session', '600']])
 */
export function markdownTable(titles: readonly string[], align: readonly ('left' | 'right')[], rows: readonly (readonly string[])[]): string[] {
  const cell = (text: string) => printable(text).replace(/[\\*_[\]!|]/g, '\\$&').replace(/</g, '&lt;');
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
  return `${fence}${pad}${printable(text)}${pad}${fence}`;
}

/**
 * Text from a snapshot as Markdown prose: printable (no line breaks), with Markdown's and
 * HTML's special characters escaped so that a class name cannot make a heading or a tag.
 *
 * @example markdownText('# <b>x</b>') // '\\# &lt;b&gt;x&lt;/b&gt;'
 */
export function markdownText(text: string): string {
  return printable(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, '\\$&');
}
