import type { HeapGraph } from '../graph/heap-graph.js';
import { BASE_SYSTEM_DISTANCE, NO_DISTANCE, nodeDistances } from './distances.js';
import { dominatorTree } from './dominators.js';

/** One hop of a retainer path: `edge` leads from `from` to `to`. */
export interface RetainerStep {
  readonly from: number;
  readonly edge: number;
  readonly to: number;
}

/**
 * How much an edge says to a person, lower is better: the program's own references first
 * (properties, array elements, closure variables), then V8's internal links, then shortcuts.
 */
function edgeRank(type: string): number {
  switch (type) {
    case 'property':
    case 'element':
    case 'context':
      return 0;
    case 'internal':
      return 1;
    case 'hidden':
      return 2;
    default:
      return 3;
  }
}

/**
 * A shortest path from the GC roots to `node`, as the steps from the root down. Rules:
 *
 * 1. Every step goes one closer to the roots (by `nodeDistances`), so the path is a shortest
 *    one, and weak edges are never used.
 * 2. Among the retainers one step closer, the edge that says most wins: property, element or
 *    closure-variable edges before internal ones, then hidden ones, then shortcuts; then a
 *    retainer that is not a V8-internal (`hidden`) node; then the first in snapshot order.
 * 3. Program objects (distance < 100,000,000) lead back to a program root under the root;
 *    objects only the engine holds lead back to the root through "(GC roots)".
 *
 * Returns [] for the root itself and for objects nothing reaches.
 *
 * @example
 * formatRetainerPath(graph, retainerPath(graph, graph.ordinalOfId(1234)))
 * // 'global → cache (Map) → table → [42] → Session @1234'
 */
export function retainerPath(graph: HeapGraph, node: number): RetainerStep[] {
  const distances = nodeDistances(graph);
  if (distances[node] === NO_DISTANCE || node === graph.rootOrdinal) return [];
  const steps: RetainerStep[] = [];
  let current = node;
  const limit = graph.nodeCount;
  while (current !== graph.rootOrdinal && steps.length < limit) {
    const step = closerRetainer(graph, current);
    if (!step) break;
    steps.push(step);
    current = step.from;
  }
  return steps.reverse();
}

/**
 * The first step of `retainerPath` from `node` towards the roots (its rules 1 and 2): the
 * retainer one closer to the roots by the edge that says most; undefined at the root or when
 * nothing reaches the node.
 */
export function closerRetainer(graph: HeapGraph, node: number): RetainerStep | undefined {
  const distances = nodeDistances(graph);
  if (distances[node] === NO_DISTANCE || node === graph.rootOrdinal) return undefined;
  const { firstRetainer, retainerNodes } = graph.retainers;
  const hidden = graph.layout.nodeTypes.indexOf('hidden');
  const want = distances[node]! - 1;
  let best = -1;
  let bestScore = Infinity;
  let bestEdge = -1;
  const retainingEdges = graph.retainingEdges(node);
  const first = firstRetainer[node]!;
  for (let i = first; i < firstRetainer[node + 1]!; i++) {
    const from = retainerNodes[i]!;
    const edge = retainingEdges[i - first]!;
    const type = graph.edgeType(edge);
    if (type === 'weak') continue;
    const d = distances[from]!;
    // The root sits at the system base distance (or 0) above program roots at distance 1.
    const closer = d === want || (want === 0 && from === graph.rootOrdinal) || (d === BASE_SYSTEM_DISTANCE && want === BASE_SYSTEM_DISTANCE && from === graph.rootOrdinal);
    if (!closer) continue;
    const score = edgeRank(type) * 2 + (graph.nodeTypeIndex(from) === hidden ? 1 : 0);
    if (score < bestScore) {
      bestScore = score;
      best = i;
      bestEdge = edge;
    }
  }
  return best < 0 ? undefined : { from: retainerNodes[best]!, edge: bestEdge, to: node };
}

/** How an edge reads in a path: a property name, `[index]`, or a closure variable. */
export function edgeLabel(graph: HeapGraph, edge: number): string {
  const type = graph.edgeType(edge);
  const name = graph.edgeName(edge);
  if (type === 'element' || type === 'hidden') return `[${name}]`;
  return name;
}

/**
 * A node's class as paths and labels show it: Node 20 names its global object `global / ` (an
 * empty URL after the slash), which reads `global`.
 */
export function readableClassName(graph: HeapGraph, node: number): string {
  return graph.className(node).replace(/ \/ $/, '');
}

/** A node as people read it in a path: its class and id. */
export function nodeLabel(graph: HeapGraph, node: number): string {
  const type = graph.nodeType(node);
  const name = type === 'synthetic' ? graph.nodeName(node) : readableClassName(graph, node);
  return `${name || '(root)'} @${graph.nodeId(node)}`;
}

/** How an object on the way reads: synthetic groups by name, objects by class, V8 internals not at all. */
function passingLabel(graph: HeapGraph, node: number): string {
  if (graph.nodeType(node) === 'synthetic') return graph.nodeName(node);
  const name = readableClassName(graph, node);
  return name.startsWith('(') ? '' : name;
}

/**
 * Renders a retainer path on one line: where it starts, each edge (with the class of the
 * object it reaches, where that says something), and the target with its id.
 *
 * `start`: how the path's first object reads instead (a path that does not start at the root).
 *
 * @example '(GC roots) → (Global handles) → global → cache (Map) → table → [42] → Session @1234'
 */
export function formatRetainerPath(graph: HeapGraph, steps: readonly RetainerStep[], start?: string): string {
  if (steps.length === 0) return '';
  const first = steps[0]!;
  const fromRoot = first.from === graph.rootOrdinal && start === undefined;
  if (fromRoot && steps.length === 1) return nodeLabel(graph, first.to);
  // The nameless root is left out: a path starts at "(GC roots)", a global, or a window.
  const parts = [fromRoot ? passingLabel(graph, first.to) || graph.className(first.to) : (start ?? passingLabel(graph, first.from))];
  for (let i = fromRoot ? 1 : 0; i < steps.length; i++) {
    const step = steps[i]!;
    const label = edgeLabel(graph, step.edge);
    const via = i === steps.length - 1 ? '' : passingLabel(graph, step.to);
    parts.push(via ? `${label} (${via})` : label);
  }
  // A linked list walked link by link reads as one step: `_idleNext (Timeout) ×250`.
  for (let i = 0; i < parts.length; i++) {
    let run = 1;
    while (i + run < parts.length - 1 && parts[i + run] === parts[i]) run++;
    if (run >= 3) parts.splice(i, run, `${parts[i]} ×${run}`);
  }
  parts.push(nodeLabel(graph, steps[steps.length - 1]!.to));
  return parts.join(' → ');
}

/** The dominators of `node`, nearest first, up to and including the root. */
export function dominatorChain(graph: HeapGraph, node: number): number[] {
  const { dominators } = dominatorTree(graph);
  const chain: number[] = [];
  let current = node;
  while (current !== graph.rootOrdinal && chain.length < graph.nodeCount) {
    current = dominators[current]!;
    chain.push(current);
  }
  return chain;
}

/** The nodes `node` dominates directly, biggest retained size first (at most `limit`). */
export function dominatedChildren(graph: HeapGraph, node: number, limit = Infinity): number[] {
  const { firstDominated, dominated, retainedSizes } = dominatorTree(graph);
  const children = Array.from(dominated.subarray(firstDominated[node], firstDominated[node + 1]));
  children.sort((a, b) => retainedSizes[b]! - retainedSizes[a]! || a - b);
  return children.slice(0, limit);
}
