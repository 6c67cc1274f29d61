import type { LeakReport } from '@heapdiff/core';
import { formatBytes, formatCount } from '@heapdiff/core';
import { whereDefined } from '../format/class-label.js';
import { counted } from '../format/counted.js';
import { inlineCode, markdownTable, markdownText } from '../format/markdown-table.js';

/**
 * A leak report as Markdown for a pull-request comment: a table of the leaks, then each
 * leak's path and what it retains.
 *
 * @example await writeFile('leaks.md', renderLeaksMarkdown(findLeaks([s0, s1, s2])))
 */
export function renderLeaksMarkdown(report: LeakReport, options: { top?: number } = {}): string {
  const snapshots = report.snapshots.length;
  if (report.leaks.length === 0 && report.leftOut > 0) {
    return `### No leaks reported\n\n${counted(report.leftOut, 'growing group')} left out by --ignore, --min-count or --min-retained.\n`;
  }
  if (report.leaks.length === 0) {
    return `### No leaks\n\nOf the ${counted(report.leakedObjects, 'object')} allocated after the first of ${snapshots} snapshots and still alive, nothing grows.\n`;
  }
  const leaks = report.leaks.slice(0, options.top ?? report.leaks.length);
  const lines = [
    `### ${counted(report.leaks.length, 'leak')} in ${snapshots} snapshots`,
    '',
    ...markdownTable(
      ['leak', 'held by', 'count', 'retained', 'live per snapshot'],
      ['left', 'left', 'right', 'right', 'left'],
      // (Raw text: the table escapes its cells itself. The holder as the text report names it.)
      leaks.map((l) => [l.name, [l.heldBy, l.holderName].filter((part) => part !== undefined).join(' '), formatCount(l.count), formatBytes(l.retainedSize), l.liveCounts.map(formatCount).join(' → ')]),
    ),
  ];
  for (const leak of leaks) {
    lines.push('', `**${markdownText(leak.name)}**${leak.location ? ` (${inlineCode(whereDefined(leak.location))})` : ''}: ${inlineCode(leak.retainerPathText)}`);
    if (leak.retains.length > 0) lines.push(`retains ${leak.retains.map((r) => `${inlineCode(r.className)} ×${formatCount(r.count)}`).join(', ')}`);
  }
  if (report.leaks.length > leaks.length) lines.push('', `… and ${counted(report.leaks.length - leaks.length, 'more leak')}.`);
  return `${lines.join('\n')}\n`;
}
