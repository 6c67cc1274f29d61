import type { LeakReport } from '@heapdiff/core';
import { formatBytes, formatCount } from '@heapdiff/core';
import { whereDefined } from '../format/class-label.js';
import { counted } from '../format/counted.js';
import { shellWord } from '../format/shell-word.js';
import { lastFile, leftOutBy, notGrowing } from '../format/leak-report-parts.js';
import { inlineCode, markdownTable, markdownText } from '../format/markdown-table.js';
import { checkLeakReport } from '../format/checked-input.js';

/**
 * A leak report as Markdown for a pull-request comment: a table of the leaks, then each
 * leak's path, what it retains and how to look at one; then the groups that are new but do
 * not grow.
 *
 * @example await writeFile('leaks.md', renderLeaksMarkdown(findLeaks([s0, s1, s2]), { files }))
 */
export function renderLeaksMarkdown(report: LeakReport, options: { top?: number; files?: readonly string[] } = {}): string {
  checkLeakReport('renderLeaksMarkdown', report, options);
  const snapshots = report.snapshots.length;
  const lines: string[] = [];
  if (report.leaks.length === 0 && report.leftOut > 0) {
    lines.push('### No leaks reported', '', `${counted(report.leftOut, 'growing group')} left out by ${leftOutBy(report, inlineCode)}.`);
  } else if (report.leaks.length === 0) {
    lines.push('### No leaks', '', `Of the ${counted(report.leakedObjects, 'object')} allocated after the first of ${snapshots} snapshots and still alive, nothing grows.`);
  } else {
    const leaks = report.leaks.slice(0, options.top ?? report.leaks.length);
    const more = report.leftOut > 0 ? ` (and ${formatCount(report.leftOut)} left out by ${leftOutBy(report, inlineCode)})` : '';
    lines.push(
      `### ${counted(report.leaks.length, 'leak')} in ${snapshots} snapshots${more}`,
      '',
      ...markdownTable(
        ['leak', 'held by', 'count', 'retained', 'live per snapshot'],
        ['left', 'left', 'right', 'right', 'left'],
        // (Raw text: the table escapes its cells itself. The holder as the text report names it.)
        leaks.map((l) => [l.name, [l.heldBy, l.holderName].filter((part) => part !== undefined).join(' '), formatCount(l.count), formatBytes(l.retainedSize), l.liveCounts.map(formatCount).join(' → ')]),
      ),
    );
    const last = lastFile(options.files);
    // Each leak's lines as a list: one line each, in a comment as in a Markdown file (where
    // lines of one paragraph run together).
    for (const leak of leaks) {
      lines.push('', `**${markdownText(leak.name)}**${leak.location ? ` (${inlineCode(whereDefined(leak.location))})` : ''}`, '', `- path: ${inlineCode(leak.retainerPathText)}`);
      if (leak.retains.length > 0) lines.push(`- retains ${leak.retains.map((r) => `${inlineCode(r.className)} ×${formatCount(r.count)}`).join(', ')}`);
      if (leak.sampleIds.length > 0) lines.push(`- look at one: ${inlineCode(`heapdiff inspect ${shellWord(last)} @${leak.sampleIds[0]}`)}`);
    }
    if (report.leaks.length > leaks.length) lines.push('', `… and ${counted(report.leaks.length - leaks.length, 'more leak')}.`);
  }
  if (report.bounded.length > 0) {
    lines.push('', notGrowing(report, inlineCode));
  }
  return `${lines.join('\n')}\n`;
}
