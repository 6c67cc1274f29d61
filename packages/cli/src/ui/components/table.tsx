/** @jsxRuntime automatic @jsxImportSource react */
import { Box, Text } from 'ink';
import { ASCENDING_COLUMNS } from '../state/ui-state.js';
import { columnTitle, columnWidths, fit, tableLine, type Column } from './cells.js';

/** ▲ when the rows go from the smallest (or A) up, ▼ when from the biggest (or Z) down. */
export function sortArrow(sort: string, reverse: boolean): string {
  return ASCENDING_COLUMNS.has(sort) !== reverse ? '▲' : '▼';
}

export interface TableProps {
  readonly columns: readonly Column[];
  /** The cells of the rows on screen. */
  readonly rows: readonly (readonly string[])[];
  /** Index in `rows` of the selected row. */
  readonly selected: number;
  readonly width: number;
  readonly sort: string;
  readonly reverse: boolean;
  readonly colour: boolean;
  /** Per row on screen: shown dimmed (a bounded group after the leaks). */
  readonly dim?: readonly boolean[];
  /** What to say when there are no rows. */
  readonly empty: string;
}

/** A table of the rows on screen, its header marking the sort column (▼ or ▲) and each column's sort key. */
export function Table({ columns, rows, selected, width, sort, reverse, colour, dim, empty }: TableProps) {
  // Two columns for the selection mark: the selection shows without colours or inverse video too.
  const inner = width - 2;
  const widths = columnWidths(columns, inner);
  const titles = columns.map((c, i) => columnTitle(c, widths[i]!, c.sort && c.sort === sort ? sortArrow(sort, reverse) : ''));
  return (
    <Box flexDirection="column">
      <Text bold {...(colour ? { color: 'cyan' } : {})}>
        {`  ${tableLine(titles, columns, widths, inner)}`}
      </Text>
      {rows.length === 0 ? <Text dimColor>{fit(`  ${empty}`, width)}</Text> : null}
      {rows.map((cells, i) => (
        <Text key={i} inverse={i === selected} dimColor={Boolean(dim?.[i]) && i !== selected}>
          {`${i === selected ? '›' : ' '} ${tableLine(cells, columns, widths, inner)}`}
        </Text>
      ))}
    </Box>
  );
}
