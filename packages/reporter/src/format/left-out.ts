import type { LeakReport } from '@heapdiff/core';
import { formatCount } from '@heapdiff/core';

const FLAGS = { ignore: '--ignore', minCount: '--min-count', minRetainedSize: '--min-retained' } as const;

/**
 * Which filters left growing groups out, as the CLI's flags (each through `flag`: code spans in
 * Markdown): `--min-count`, or with counts when several did: `--ignore (1) and --min-count (2)`.
 */
export function leftOutBy(report: LeakReport, flag: (text: string) => string = (text) => text): string {
  const by = (Object.keys(FLAGS) as (keyof typeof FLAGS)[]).filter((option) => report.leftOutBy[option] > 0);
  if (by.length === 1) return flag(FLAGS[by[0]!]);
  const parts = by.map((option) => `${flag(FLAGS[option])} (${formatCount(report.leftOutBy[option])})`);
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : 'the filters';
}
