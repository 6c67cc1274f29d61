/** A column of a text table. */
export interface Column {
  readonly title: string;
  readonly align: 'left' | 'right';
  /** Cap for this column's width; longer cells are cut with an ellipsis. */
  readonly maxWidth?: number;
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/**
 * Lays out rows as an aligned table with a `|` between columns and a `=` rule under the
 * header, in the manner of Pympler's summaries. Returns the lines, without trailing spaces.
 * `style(row, column, text)` may wrap a body cell's text, inside its padding (in colour, say).
 *
 * @example
 * renderTable([{ title: 'class', align: 'left' }, { title: '# objects', align: 'right' }], [['Foo', '12']])
 */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  style?: (row: number, column: number, padded: string) => string,
): string[] {
  const cells = rows.map((row) => row.map((cell, i) => truncate(cell, columns[i]?.maxWidth ?? Infinity)));
  const widths = columns.map((column, i) =>
    Math.max(column.title.length, ...cells.map((row) => row[i]?.length ?? 0)),
  );
  const line = (values: readonly string[], row = -1): string => {
    const padded = values.map((value, i) => (columns[i]!.align === 'right' ? value.padStart(widths[i]!) : value.padEnd(widths[i]!)));
    // Styles (colours) go on after padding, so that escape codes take no width; trailing spaces go first.
    const last = padded.length - 1;
    if (last >= 0) padded[last] = padded[last]!.trimEnd();
    const styled = row >= 0 && style ? padded.map((text, i) => text.replace(/^( *)(.*?)( *)$/, (_, before: string, core: string, after: string) => before + style(row, i, core) + after)) : padded;
    return styled.join(' | ').trimEnd();
  };
  return [
    line(columns.map((column) => column.title)),
    widths.map((width) => '='.repeat(width)).join(' | '),
    ...cells.map((cells, row) => line(cells, row)),
  ];
}
