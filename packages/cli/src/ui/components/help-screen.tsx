/** @jsxRuntime automatic @jsxImportSource react */
import { Box, Text } from 'ink';

const KEYS: readonly (readonly [string, string])[] = [
  ['↑ ↓  j k', 'move'],
  ['PgUp PgDn  Home End  g G', 'move by a page, to the first or last row'],
  ['Enter', 'open: a class lists its objects, an object shows its detail'],
  ['Esc  Backspace', 'back one level (the selection is kept)'],
  ['→  ←', 'in a detail: open or close a retainer\'s own retainers'],
  ['Tab  Shift-Tab  1 2 3', 'switch tabs: Summary, Comparison, Leaks'],
  ['n c h r …', 'sort by the column with that key in its header; again to reverse'],
  ['/', 'filter classes by name as you type (Enter keeps it, Esc clears it)'],
  ['s', 'live mode: take a snapshot of the process'],
  ['?', 'this help (any key closes it)'],
  ['q  Ctrl-C', 'quit'],
];

/** The keys, in place of the table. */
export function HelpScreen({ live }: { live: boolean }) {
  return (
    <Box flexDirection="column">
      <Text bold>Keys</Text>
      {KEYS.filter(([key]) => live || key !== 's').map(([key, what]) => (
        <Text key={key}>
          {`  ${key.padEnd(26)}${what}`}
        </Text>
      ))}
    </Box>
  );
}
