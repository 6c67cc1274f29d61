import { classKeys, type ClassGrouping } from '../graph/class-keys.js';
import type { HeapGraph } from '../graph/heap-graph.js';
import { shallowSizes } from './shallow-sizes.js';

/**
 * The objects of one class of the summary (`ClassSummaryRow.classKey`), as node ordinals in
 * snapshot order: those the summary counts (shallow size above 0). One pass over the nodes.
 *
 * @example
 * const [row] = summarizeClasses(graph).rows
 * for (const node of classMembers(graph, row.classKey)) console.log(graph.nodeId(node))
 */
export function classMembers(graph: HeapGraph, classKey: number, grouping: ClassGrouping = 'shape'): Uint32Array {
  const { keyOf, names } = classKeys(graph, grouping);
  if (!Number.isInteger(classKey) || classKey < 0 || classKey >= names.length) {
    throw new RangeError(`classMembers: no class ${String(classKey)} in this snapshot (it has ${names.length})`);
  }
  const shallow = shallowSizes(graph);
  let count = 0;
  for (let n = 0; n < graph.nodeCount; n++) if (keyOf[n] === classKey && shallow[n]! > 0) count++;
  const members = new Uint32Array(count);
  for (let n = 0, k = 0; n < graph.nodeCount; n++) if (keyOf[n] === classKey && shallow[n]! > 0) members[k++] = n;
  return members;
}
