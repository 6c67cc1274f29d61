/** Text cut to `width` columns with an ellipsis, or padded to it (left or right aligned). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length > width) return width === 1 ? '…' : `${chars.slice(0, width - 1).join('')}…`;
  const pad = ' '.repeat(width - chars.length);
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

/** Widths for the columns in `total` columns of terminal: fixed ones as given, the flexible one the rest. */
export function columnWidths(columns: readonly Column[], total: number): number[] {
  const fixed = columns.reduce((sum, c) => sum + c.width, 0) + (columns.length - 1);
  const flex = Math.max(8, total - fixed);
  return columns.map((c) => (c.width === 0 ? flex : c.width));
}

/** One table line from its cells. */
export function tableLine(cells: readonly string[], columns: readonly Column[], widths: readonly number[]): string {
  return cells.map((cell, i) => fit(cell, widths[i]!, columns[i]!.align)).join(' ');
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
