/** @jsxRuntime automatic @jsxImportSource react */
import { Box, Text } from 'ink';
import type { DetailLine } from '../model/node-detail.js';
import { fit } from './cells.js';

export interface DetailViewProps {
  readonly lines: readonly DetailLine[];
  readonly first: number;
  readonly size: number;
  readonly selected: number;
  readonly width: number;
  readonly colour: boolean;
}

/** An object's detail: its lines from `first`, headings bold, the selected line highlighted. */
export function DetailView({ lines, first, size, selected, width, colour }: DetailViewProps) {
  return (
    <Box flexDirection="column">
      {lines.slice(first, first + size).map((line, i) => (
        <Text
          key={first + i}
          inverse={first + i === selected}
          bold={line.kind === 'heading'}
          dimColor={line.kind === 'text' && first + i !== selected}
          {...(colour && line.kind === 'heading' ? { color: 'cyan' } : {})}
        >
          {fit(`${first + i === selected ? '›' : ' '} ${line.kind === 'heading' ? line.text : `  ${line.text}`}`, width)}
        </Text>
      ))}
    </Box>
  );
}
