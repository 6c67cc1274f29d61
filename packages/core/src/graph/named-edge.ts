import type { HeapGraph } from './heap-graph.js';

/**
 * The target of `node`'s first edge named `name` (a string-table index), -1 if none or if
 * `name` is -1. Element and hidden edges carry numbers, not names, and never match.
 *
 * @example namedEdgeTarget(graph, closure, graph.strings.indexOf('context'))
 */
export function namedEdgeTarget(graph: HeapGraph, node: number, name: number): number {
  if (name < 0) return -1;
  const element = graph.layout.edgeTypes.indexOf('element');
  const hidden = graph.layout.edgeTypes.indexOf('hidden');
  for (let e = graph.firstEdge[node]!; e < graph.firstEdge[node + 1]!; e++) {
    if (graph.edgeNameOrIndex(e) !== name) continue;
    const type = graph.edgeTypeIndex(e);
    if (type !== element && type !== hidden) return graph.edgeTarget(e);
  }
  return -1;
}
