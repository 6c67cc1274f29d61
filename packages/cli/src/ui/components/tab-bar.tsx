/** @jsxRuntime automatic @jsxImportSource react */
import { Box, Text } from 'ink';
import type { TabName } from '../state/ui-state.js';

const TITLES: Readonly<Record<TabName, string>> = { summary: 'Summary', comparison: 'Comparison', leaks: 'Leaks' };

/** The tabs, numbered as their keys, the current one in brackets (and highlighted); the breadcrumb of the drill-down beside. */
export function TabBar({ tabs, tab, crumbs, width, colour }: { tabs: readonly TabName[]; tab: TabName; crumbs: string; width: number; colour: boolean }) {
  const names = (['summary', 'comparison', 'leaks'] as const).filter((t) => tabs.includes(t));
  return (
    <Box width={width}>
      {names.map((name) => (
        <Box key={name} flexShrink={0}>
        <Text inverse={name === tab} bold={name === tab} {...(colour && name === tab ? { color: 'cyan' } : {})}>
          {name === tab ? `[${tabs.indexOf(name) + 1} ${TITLES[name]}]` : ` ${tabs.indexOf(name) + 1} ${TITLES[name]} `}
        </Text>
        </Box>
      ))}
      <Text wrap="truncate-end" dimColor>
        {crumbs ? `  ${crumbs}` : ''}
      </Text>
    </Box>
  );
}
