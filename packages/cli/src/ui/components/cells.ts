import stringWidth from 'string-width';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const ASCII = /^[\x20-\x7e]*$/;

/**
 * Text cut to `width` terminal columns with an ellipsis, or padded to it (left or right
 * aligned). Columns, not characters: a CJK character or an emoji takes two.
 */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  // Printable ASCII (most of a heap's names): one column a character, no measuring.
  if (ASCII.test(text)) {
    if (text.length > width) return `${text.slice(0, width - 1)}…`;
    const pad = ' '.repeat(width - text.length);
    return align === 'left' ? text + pad : pad + text;
  }
  let used = stringWidth(text);
  if (used > width) {
    let cut = '';
    used = 0;
    for (const { segment } of graphemes.segment(text)) {
      const w = stringWidth(segment);
      if (used + w > width - 1) break;
      cut += segment;
      used += w;
    }
    text = `${cut}…`;
    used += 1;
  }
  const pad = ' '.repeat(Math.max(0, width - used));
  return align === 'left' ? text + pad : pad + text;
}

/** A column of a table: its title, width (0: takes the room left), alignment and sort name. */
export interface Column {
  readonly title: string;
  readonly width: number;
  readonly align: 'left' | 'right';
  /** The sort column this one shows (see `SORT_KEYS`), and its key. */
  readonly sort?: string;
  readonly key?: string;
}

/**
 * Widths for the columns in `total` columns of terminal: fixed ones as given, the flexible one
 * the rest (at least 8; on a terminal too narrow for that, lines are cut at its edge).
 */
export function columnWidths(columns: readonly Column[], total: number): number[] {
  const fixed = columns.reduce((sum, c) => sum + c.width, 0) + (columns.length - 1);
  const flex = Math.max(8, total - fixed);
  return columns.map((c) => (c.width === 0 ? flex : c.width));
}

/** One table line from its cells, never wider than `total`. */
export function tableLine(cells: readonly string[], columns: readonly Column[], widths: readonly number[], total: number): string {
  return fit(cells.map((cell, i) => fit(cell, widths[i]!, columns[i]!.align)).join(' '), total);
}

/**
 * A column's title: the sort arrow on the sorted column (▼ biggest or last first, ▲ smallest or
 * first first), and its sort key in brackets when the column has room for it.
 */
export function columnTitle(column: Column, width: number, arrow: string): string {
  const title = `${column.title}${arrow ? ` ${arrow}` : ''}`;
  const withKey = column.key ? `${title} [${column.key}]` : title;
  return stringWidth(withKey) <= width ? withKey : title;
}

const SPARKS = '▁▂▃▄▅▆▇█';

/** Counts as a sparkline, lowest to highest: `▁▄█`. */
export function sparkline(values: readonly number[]): string {
  const min = Math.min(...values);
  const max = Math.max(...values);
  return values.map((v) => SPARKS[max === min ? 0 : Math.round(((v - min) / (max - min)) * (SPARKS.length - 1))]).join('');
}

/** A signed count or size: `+12`, `-3`, `0`. */
export function signed(value: number, format: (n: number) => string): string {
  return value > 0 ? `+${format(value)}` : value < 0 ? `-${format(-value)}` : format(0);
}
