import { BASE_SYSTEM_DISTANCE, formatBytes, formatCount, type NodeReport, type NodeSummary } from '@heapdiff/core';
import { counted } from '../format/counted.js';
import { printable } from '../format/printable.js';
import { formatFrame } from '../format/frame.js';
import { renderTable } from '../format/table.js';

const label = (node: NodeSummary): string => node.label;

function describeDistance(distance: number): string {
  if (distance < 0) return 'unreachable';
  if (distance >= BASE_SYSTEM_DISTANCE) return `${distance - BASE_SYSTEM_DISTANCE} (held by the engine only)`;
  return String(distance);
}

/**
 * Renders `heapdiff inspect` for people: the node, its retainer path, first retainers,
 * dominator chain and biggest dominated objects.
 *
 * @example process.stdout.write(renderNodeText(describeNode(graph, node)))
 */
export function renderNodeText(report: NodeReport): string {
  const lines: string[] = [];
  const name = report.name && report.name !== report.className && report.type !== 'synthetic' ? `  "${report.name.length > 60 ? `${report.name.slice(0, 59)}…` : report.name}"` : '';
  // (A plain object is counted under its property names in summaries, diffs and leak reports.)
  const grouped = report.groupedAs ? `, counted as ${printable(report.groupedAs)}` : '';
  lines.push(`${label(report)}  (${report.type})${name}${grouped}`);
  lines.push(
    `  shallow size ${formatBytes(report.selfSize)}   retained size ${formatBytes(report.retainedSize)}   distance ${describeDistance(report.distance)}`,
  );
  // The root (distance 0, nothing retains it) is where paths start; an unreachable node has none.
  const root = report.distance === 0 && report.retainerCount === 0;
  const nothing = root ? '(none: this is the root, where every path starts)' : '(none: nothing reaches this object)';
  lines.push('', 'Retainer path', `  ${report.retainerPath || nothing}`);
  if (report.allocationStack) {
    lines.push('', 'Allocated at (innermost first)');
    if (report.allocationStack.length === 0) lines.push('  (not recorded: allocated before tracking started)');
    for (const f of report.allocationStack.slice(0, 10)) lines.push(`  ${formatFrame(f)}`);
    if (report.allocationStack.length > 10) lines.push(`  … ${counted(report.allocationStack.length - 10, 'more frame', 'more frames')}`);
  }
  lines.push('', `Retainers (${report.retainers.length} of ${formatCount(report.retainerCount)})`);
  if (report.retainers.length === 0) lines.push('  (none)');
  else {
    const table = renderTable(
      [
        { title: 'edge', align: 'left', maxWidth: 40 },
        { title: 'type', align: 'left' },
        { title: 'from', align: 'left', maxWidth: 60 },
        { title: 'retained size', align: 'right' },
      ],
      report.retainers.map((r) => [r.edge, r.edgeType, label(r.node), formatBytes(r.node.retainedSize)]),
    );
    lines.push(...table.map((line) => `  ${line}`));
  }
  lines.push('', 'Dominator chain (nearest first)', `  ${report.dominators.map(label).join(' ← ') || (root ? '(this is the root)' : nothing)}`);
  lines.push('', `Dominates (${report.dominated.length} of ${formatCount(report.dominatedCount)}, biggest first)`);
  if (report.dominated.length === 0) lines.push('  (nothing)');
  else {
    const table = renderTable(
      [
        { title: 'object', align: 'left', maxWidth: 60 },
        { title: 'shallow size', align: 'right' },
        { title: 'retained size', align: 'right' },
      ],
      report.dominated.map((d) => [label(d), formatBytes(d.selfSize), formatBytes(d.retainedSize)]),
    );
    lines.push(...table.map((line) => `  ${line}`));
  }
  return `${lines.join('\n')}\n`;
}
