import { formatBytes } from '@heapdiff/core';
import { classLabels } from '../format/class-label.js';
import { counted } from '../format/counted.js';
import { distanceCell } from '../format/distance.js';
import { objectLabel } from '../format/object-label.js';
import { printable } from '../format/printable.js';
import { shellWord } from '../format/shell-word.js';
import { renderTable, type Column } from '../format/table.js';
import type { InstanceList } from '../instance-list.js';

export interface InstancesTextOptions {
  /** The snapshot file, for the `heapdiff inspect FILE @ID` the list ends with. */
  file?: string;
}

/**
 * Renders a class's biggest objects with their ids: `object | shallow size | retained size |
 * distance` (and a `class` column when several classes share the name), then how to look at
 * one with `heapdiff inspect`.
 *
 * @example process.stdout.write(renderInstancesText(list, { file: 'app.heapsnapshot' }))
 */
export function renderInstancesText(list: InstanceList, options: InstancesTextOptions = {}): string {
  const total = list.classes.reduce((sum, c) => sum + c.count, 0);
  const several = list.classes.length > 1;
  const name = printable(list.className);
  const lines = [
    several
      ? `${counted(total, 'object')} of ${list.classes.length} classes named ${name}, biggest retained size first:`
      : `${counted(total, 'object')} of ${name}, biggest retained size first:`,
  ];
  const labels = classLabels(list.classes);
  const columns: Column[] = [
    ...(several ? [{ title: 'class', align: 'left' as const, maxWidth: 60 }] : []),
    { title: 'object', align: 'left', maxWidth: 100 },
    { title: 'shallow size', align: 'right' },
    { title: 'retained size', align: 'right' },
    { title: 'distance', align: 'right' },
  ];
  lines.push(
    ...renderTable(
      columns,
      list.objects.map((o) => [
        ...(several ? [labels[o.classIndex]!] : []),
        objectLabel(o),
        formatBytes(o.selfSize),
        formatBytes(o.retainedSize),
        distanceCell(o.distance),
      ]),
    ),
  );
  const hidden = total - list.objects.length;
  if (hidden > 0) lines.push(`… ${counted(hidden, 'more object')} (--top N shows more)`);
  const file = shellWord(options.file ?? 'FILE');
  // Same-named classes read apart by where they are defined, and that label picks one (a
  // class without a location has only the bare name, which picks them all).
  if (several && new Set(labels).size === labels.length && !labels.includes(name)) {
    lines.push(`pick one class with ${labels.map((label) => `--instances ${shellWord(label)}`).join(' or ')}`);
  }
  const first = list.objects[0];
  if (first) lines.push(`look at one: heapdiff inspect ${file} @${first.id}`);
  return `${lines.join('\n')}\n`;
}
