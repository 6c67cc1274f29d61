import type { LeakGroup, LeakReport } from '@heapdiff/core';
import { formatBytes, formatCount } from '@heapdiff/core';
import { whereDefined } from '../format/class-label.js';
import { paint, type Paint } from '../format/colour.js';
import { counted } from '../format/counted.js';
import { lastFile, leftOutBy, notGrowing } from '../format/leak-report-parts.js';
import { printable } from '../format/printable.js';
import { shellWord } from '../format/shell-word.js';
import { checkLeakReport } from '../format/checked-input.js';

export interface LeaksTextOptions {
  /** Leaks shown in full; the rest are listed by name. Default: all. */
  top?: number;
  /** The snapshot files, oldest first, for the heading. */
  files?: readonly string[];
  /** ANSI colours. Default false. */
  colour?: boolean;
}

/**
 * Renders a leak report: each leak with its count, retained size, live counts per snapshot,
 * the path that holds it, what it retains, where it is defined and allocated; then the groups
 * that are new but do not grow.
 *
 * @example process.stdout.write(renderLeaksText(findLeaks([s0, s1, s2])))
 */
export function renderLeaksText(report: LeakReport, options: LeaksTextOptions = {}): string {
  checkLeakReport('renderLeaksText', report, options);
  const p = paint(options.colour ?? false);
  const snapshots = report.snapshots.length;
  const lines: string[] = [];
  if (report.leaks.length === 0 && report.leftOut > 0) {
    lines.push(`No leaks reported: ${counted(report.leftOut, 'growing group')} left out by ${leftOutBy(report)}.`);
  } else if (report.leaks.length === 0) {
    lines.push(`${p.green('No leaks')}: of the ${counted(report.leakedObjects, 'object')} allocated after the first of ${snapshots} snapshots and still alive, nothing grows.`);
  } else {
    const bytes = report.leaks.reduce((sum, leak) => sum + leak.retainedSize, 0);
    const more = report.leftOut > 0 ? ` (and ${formatCount(report.leftOut)} left out by ${leftOutBy(report)})` : '';
    lines.push(`${p.red(counted(report.leaks.length, 'leak'))} in ${snapshots} snapshots, retaining ${formatBytes(bytes)}${more}:`);
    const top = options.top ?? report.leaks.length;
    const last = lastFile(options.files);
    report.leaks.slice(0, top).forEach((leak, i) => lines.push('', ...leakLines(leak, i + 1, p, last)));
    const rest = report.leaks.slice(top);
    if (rest.length > 0) lines.push('', `… ${counted(rest.length, 'more leak')}: ${rest.map((l) => `${printable(l.name)} ×${formatCount(l.count)}`).join(', ')}`);
  }
  if (report.bounded.length > 0) {
    lines.push('', p.dim(notGrowing(report, printable)));
  }
  return `${lines.join('\n')}\n`;
}

function leakLines(leak: LeakGroup, rank: number, p: Paint, last: string): string[] {
  const held = leak.heldBy ? `, held by ${printable(leak.heldBy)}${leak.holderName ? ` ${printable(leak.holderName)}` : ''}` : '';
  const lines = [
    `${rank}. ${p.bold(printable(leak.name))} ×${formatCount(leak.count)}${held}: retains ${formatBytes(leak.retainedSize)} (shallow ${formatBytes(leak.shallowSize)})`,
    `   live: ${leak.liveCounts.map(formatCount).join(' → ')}   leaked per round: ${leak.allocatedPerRound.map(formatCount).join(', ')}`,
    `   path: ${printable(leak.retainerPathText)}`,
  ];
  if (leak.retains.length > 0) lines.push(`   retains: ${leak.retains.map((r) => `${printable(r.className)} ×${formatCount(r.count)}`).join(', ')}`);
  if (leak.location) lines.push(`   defined at: ${whereDefined(leak.location)}`);
  for (const stack of leak.allocationStacks ?? []) {
    const frames = stack.frames.slice(0, 4).map((f) => printable(`${f.functionName} ${f.scriptName.slice(f.scriptName.lastIndexOf('/') + 1)}:${f.line}`));
    lines.push(`   allocated ×${formatCount(stack.count)}: ${frames.join(' ← ') || '(no stack)'}`);
  }
  if (leak.sampleIds.length > 0) lines.push(`   look at one: heapdiff inspect ${shellWord(last)} @${leak.sampleIds[0]}`);
  return lines;
}
