/** @jsxRuntime automatic @jsxImportSource react */
import { Box, Text } from 'ink';

import { fit } from './cells.js';

const KEYS: readonly (readonly [string, string])[] = [
  ['↑ ↓  j k', 'move'],
  ['PgUp PgDn  Home End  g G', 'move by a page, to the first or last row'],
  ['Enter', 'open: a class lists its objects, an object shows its detail'],
  ['Esc  Backspace', 'back one level (the selection is kept)'],
  ['→  ←', 'in a detail: open or close a retainer\'s own retainers'],
  ['Tab  Shift-Tab  1 2 3', 'switch tabs: Summary, Comparison, Leaks'],
  ['a letter in a header', 'sort by that column; again to reverse (▼ biggest first, ▲ A or smallest first)'],
  ['  Summary', 'n class, c objects, h shallow, r retained'],
  ['  Comparison', 'n class, w new, d deleted, c delta, a alloc, f freed, z size delta'],
  ['  Leaks', 'n class, c leak roots, r retained, h shallow'],
  ['  objects', 'i id, h shallow, r retained, d distance'],
  ['/', 'filter classes by name as you type (Enter keeps it, Esc clears it)'],
  ['s', 'live mode: take a snapshot of the process'],
  ['?', 'this help (any key closes it)'],
  ['q  Ctrl-C', 'quit'],
];

const LEGEND: readonly string[] = [
  'Leaks: a leak grows every round; "(bounded)" groups are new and alive but stopped growing.',
  'Live: the class\'s live objects in each snapshot, oldest first, as a sparkline.',
  'Comparison: the last snapshot against the one before it, objects matched by id.',
];

/** The keys, in place of the table. */
export function HelpScreen({ live, width }: { live: boolean; width: number }) {
  return (
    <Box flexDirection="column">
      <Text bold>Keys</Text>
      {KEYS.filter(([key]) => live || key !== 's').map(([key, what]) => (
        <Text key={key}>{fit(`  ${key.padEnd(26)}${what}`, width)}</Text>
      ))}
      <Text> </Text>
      {LEGEND.map((line) => (
        <Text key={line}>{fit(`  ${line}`, width)}</Text>
      ))}
    </Box>
  );
}
