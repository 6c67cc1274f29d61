import {
  classKeys,
  classMembers,
  dominatorTree,
  nodeDistances,
  shallowSizes,
  summarizeClasses,
  summarizeNode,
  type ClassGrouping,
  type HeapGraph,
} from '@heapdiff/core';
import { UsageError } from '@heapdiff/core/errors';
import { classLabels, printable, shellWord, type InstanceList, type InstanceListObject } from '@heapdiff/reporter';
import { closeNames, orList } from './close-names.js';

/**
 * The biggest objects (by retained size) of the class named `className`, as the summary names
 * classes: every class of that name when same-named constructors come from different scripts,
 * or one of them by its summary label (`Session (app.js:3)`). Throws a UsageError naming
 * close class names when there is none. The graph needs its analyses (retained sizes).
 *
 * @example classInstances(graph, 'Session', { top: 20, file: 'app.heapsnapshot' })
 */
export function classInstances(
  graph: HeapGraph,
  className: string,
  options: { top: number; grouping: ClassGrouping; file: string },
): InstanceList {
  const rows = summarizeClasses(graph, { groupBy: options.grouping }).rows;
  const labels = classLabels(rows);
  let matches = rows.filter((row) => row.className === className);
  if (matches.length === 0) matches = rows.filter((_, i) => labels[i] === className);
  if (matches.length === 0) throw noSuchClass(className, rows.map((row) => row.className), options.file);

  const retained = dominatorTree(graph).retainedSizes;
  const shallow = shallowSizes(graph);
  const lists = matches.map((row) => classMembers(graph, row.classKey, options.grouping));
  // Node ordinals in one typed array, not an object per object: a class can have millions.
  const nodes = new Uint32Array(lists.reduce((sum, list) => sum + list.length, 0));
  let at = 0;
  for (const list of lists) {
    nodes.set(list, at);
    at += list.length;
  }
  nodes.sort((a, b) => retained[b]! - retained[a]! || shallow[b]! - shallow[a]! || graph.nodeId(a) - graph.nodeId(b));
  const { keyOf } = classKeys(graph, options.grouping);
  const distances = nodeDistances(graph);
  const objects: InstanceListObject[] = [...nodes.subarray(0, options.top)].map((node) => ({
    ...summarizeNode(graph, node),
    distance: distances[node]!,
    classIndex: matches.findIndex((row) => row.classKey === keyOf[node]),
  }));
  return {
    className,
    classes: matches.map((row) => ({ className: row.className, ...(row.location ? { location: row.location } : {}), count: row.count, selfSize: row.selfSize })),
    objects,
  };
}

function noSuchClass(className: string, names: readonly string[], file: string): UsageError {
  const near = closeNames(className, names);
  const quote = (name: string): string => `"${printable(name)}"`;
  const advice = near.length > 0 ? `did you mean ${orList(near, quote)}?` : `"heapdiff summary ${shellWord(file)}" lists its classes`;
  return new UsageError(`no class ${quote(className)} in ${printable(file)}; ${advice}`, { seeHelp: false });
}
