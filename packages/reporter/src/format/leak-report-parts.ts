import type { LeakReport } from '@heapdiff/core';
import { formatBytes, formatCount } from '@heapdiff/core';

const FLAGS = { ignore: '--ignore', minCount: '--min-count', minRetainedSize: '--min-retained' } as const;

// Parts the text and Markdown leak reports share, each naming things its own way (`name`,
// `flag`: printable text, or code spans in Markdown).

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

/** The groups that are new but do not grow, the first five by name: `Not growing (…): LruEntry ×50 (4.00 kB), …`. */
export function notGrowing(report: LeakReport, name: (text: string) => string): string {
  const shown = report.bounded.slice(0, 5).map((g) => `${name(g.name)} ×${formatCount(g.count)} (${formatBytes(g.retainedSize)})`);
  const more = report.bounded.length > 5 ? `, … ${formatCount(report.bounded.length - 5)} more` : '';
  return `Not growing (new and alive, but bounded): ${shown.join(', ')}${more}`;
}

/** The snapshot to `heapdiff inspect` a leak in: the last of `files`, or a stand-in. */
export function lastFile(files: readonly string[] | undefined): string {
  return files?.[files.length - 1] ?? 'LAST.heapsnapshot';
}
