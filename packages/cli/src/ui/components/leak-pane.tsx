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
  const all = row ? leakLines(row, width) : [];
  // Cut to the pane, saying so on its last line.
  const lines = all.length > height ? [...all.slice(0, height - 1), `${all[height - 1]!.replace(/\s+$/, '')} …`] : all;
  return (
    <Box flexDirection="column" height={height}>
      {lines.map((line, i) => (
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
  const where = group.location ? ` (defined at ${printable(group.location.file || `script ${group.location.scriptId}`)}:${group.location.line + 1})` : '';
  const lines = [
    `${row.growing ? 'Leak' : 'Bounded (new, not growing)'}: ${printable(group.name)}${where} ×${formatCount(group.count)}, retains ${formatBytes(group.retainedSize)}` +
      `${group.heldBy ? `, held by ${printable(group.heldBy)}${group.holderName ? ` (${printable(group.holderName)})` : ''}` : ''}`,
    `live ${printable(group.name)} per snapshot: ${group.liveCounts.map((n) => formatCount(n)).join(' → ')}   this group's new per round: ${group.allocatedPerRound.map((n) => formatCount(n)).join(', ')}`,
  ];
  const stack = group.allocationStacks?.[0];
  if (stack) lines.push(`allocated at: ${stack.frames.slice(0, 3).map((f) => printable(formatFrame(f))).join(' ← ')}`);
  if (group.retains.length > 0) {
    lines.push(`retains: ${group.retains.map((r) => `${printable(r.className)} ×${formatCount(r.count)}`).join(', ')}`);
  }
  lines.push(...wrapPath(`path: ${printable(group.retainerPathText)}`, width));
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
