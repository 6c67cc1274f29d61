import type { RelativeHeap } from '@heapdiff/core';
import { formatBytes, formatCount } from '@heapdiff/core';
import { counted } from '../format/counted.js';
import { formatFrame } from '../format/frame.js';
import { renderTable } from '../format/table.js';
import { printable } from '../format/printable.js';

/** The last hops of a long retainer path: where the program holds on is at the end. */
function shorten(path: string, hops = 7): string {
  const parts = path.split(' → ');
  return parts.length <= hops + 1 ? path : `… → ${parts.slice(-hops).join(' → ')}`;
}

export interface RelativeHeapTextOptions {
  /** Classes shown in the table (default 20); retainer paths are given for the first 5. */
  top?: number;
  paths?: number;
}

/**
 * Renders what is new since a mark and still alive: a table by class, then the retainer path
 * of each of the biggest groups.
 *
 * @example process.stdout.write(renderRelativeHeapText(await mark.diff()))
 */
export function renderRelativeHeapText(rel: RelativeHeap, options: RelativeHeapTextOptions = {}): string {
  const top = options.top ?? 20;
  const paths = options.paths ?? 5;
  if (rel.groups.length === 0) return 'Nothing allocated since the mark is still alive.\n';
  const lines = [`New since the mark and still alive: ${counted(rel.count, 'object')}, ${formatBytes(rel.selfSize)}`, ''];
  const shown = rel.groups.slice(0, top);
  lines.push(
    ...renderTable(
      [
        { title: 'class', align: 'left', maxWidth: 60 },
        { title: '# new', align: 'right' },
        { title: 'shallow size', align: 'right' },
        { title: 'retained size', align: 'right' },
        { title: 'leak roots', align: 'right' },
      ],
      shown.map((g) => [printable(g.className), formatCount(g.count), formatBytes(g.selfSize), formatBytes(g.retainedSize), formatCount(g.leakRoots)]),
    ),
  );
  if (rel.groups.length > shown.length) lines.push(`… ${counted(rel.groups.length - shown.length, 'more class', 'more classes')}`);
  const withPaths = rel.groups.slice(0, paths).filter((g) => g.retainerPath);
  if (withPaths.length > 0) {
    lines.push('', 'What keeps them alive (the biggest of each class):');
    for (const g of withPaths) lines.push(`  ${printable(g.className)}: ${printable(shorten(g.retainerPath))}`);
  }
  const withStacks = rel.groups.slice(0, paths).filter((g) => g.allocationStacks && g.allocationStacks.length > 0);
  if (withStacks.length > 0) {
    lines.push('', 'Where they were allocated (most frequent stacks, innermost first):');
    for (const g of withStacks) {
      for (const stack of g.allocationStacks!) {
        const frames = stack.frames.slice(0, 4).map(formatFrame);
        lines.push(`  ${printable(g.className)} ×${formatCount(stack.count)}: ${printable(frames.join(' ← '))}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
