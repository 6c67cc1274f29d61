/** @jsxRuntime automatic @jsxImportSource react */
import { formatBytes, formatCount } from '@heapdiff/core';
import { formatFrame, printable } from '@heapdiff/reporter';
import { Box, Text } from 'ink';
import type { LeakRow } from '../model/leaks-model.js';
import { fit } from './cells.js';

export interface LeakPaneProps {
  readonly row: LeakRow | undefined;
  readonly height: number;
  readonly width: number;
  readonly colour: boolean;
}

/** Under the Leaks table: the selected group's live counts, retainer path, what it retains and where it was allocated. */
export function LeakPane({ row, height, width, colour }: LeakPaneProps) {
  if (height <= 0) return null;
  const lines = row ? leakLines(row, width) : [];
  return (
    <Box flexDirection="column" height={height}>
      {lines.slice(0, height).map((line, i) => (
        <Text key={i} bold={i === 0} {...(colour && i === 0 ? { color: row?.growing ? 'red' : 'yellow' } : {})}>
          {fit(line, width)}
        </Text>
      ))}
    </Box>
  );
}

/** The pane's lines: the path wrapped at its arrows to the width. */
export function leakLines(row: LeakRow, width: number): string[] {
  const { group } = row;
  const lines = [
    `${row.growing ? 'Leak' : 'Bounded'}: ${printable(group.name)} ×${formatCount(group.count)}, retains ${formatBytes(group.retainedSize)}` +
      `${group.heldBy ? `, held by ${printable(group.heldBy)}${group.holderName ? ` (${printable(group.holderName)})` : ''}` : ''}`,
    `live per snapshot: ${group.liveCounts.map((n) => formatCount(n)).join(' → ')}   new per round: ${group.allocatedPerRound.map((n) => formatCount(n)).join(', ')}`,
  ];
  if (group.retains.length > 0) {
    lines.push(`retains: ${group.retains.map((r) => `${printable(r.className)} ×${formatCount(r.count)}`).join(', ')}`);
  }
  lines.push(...wrapPath(`path: ${printable(group.retainerPathText)}`, width));
  const stack = group.allocationStacks?.[0];
  if (stack) lines.push(`allocated at: ${stack.frames.slice(0, 3).map((f) => printable(formatFrame(f))).join(' ← ')}`);
  return lines;
}

/** A long path broken before its arrows, continuation lines indented. */
function wrapPath(text: string, width: number): string[] {
  const parts = text.split(' → ');
  const lines: string[] = [];
  let line = parts[0]!;
  for (const part of parts.slice(1)) {
    if (line.length + 3 + part.length > width) {
      lines.push(line);
      line = `      → ${part}`;
    } else line += ` → ${part}`;
  }
  lines.push(line);
  return lines;
}
