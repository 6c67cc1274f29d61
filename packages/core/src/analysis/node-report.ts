import { classKeys } from '../graph/class-keys.js';
import type { HeapGraph } from '../graph/heap-graph.js';
import { allocationStackReader, type AllocationFrame } from './allocation-stacks.js';
import { nodeDistances } from './distances.js';
import { dominatorTree } from './dominators.js';
import { dominatedChildren, dominatorChain, edgeLabel, formatRetainerPath, nodeLabel, retainerPath } from './retainer-path.js';
import { shallowSizes } from './shallow-sizes.js';

/** A node in a report: enough to name it and size it. */
export interface NodeSummary {
  readonly id: number;
  readonly name: string;
  readonly className: string;
  readonly type: string;
  /** How the node reads in a path: its class (a synthetic node's name) and id, `Session @1234`. */
  readonly label: string;
  readonly selfSize: number;
  readonly retainedSize: number;
}

/** Everything `heapdiff inspect` shows about one node, as plain data. */
export interface NodeReport extends NodeSummary {
  /**
   * The class summaries, diffs and leak reports count it under, when that is not `className`:
   * a plain object by its property names, as DevTools groups them (`{id, headers, body}`).
   */
  readonly groupedAs?: string;
  /** Raw V8 self size; `selfSize` is the shallow size DevTools shows. */
  readonly v8SelfSize: number;
  readonly distance: number;
  /** The shortest retainer path, rendered, and as steps. */
  readonly retainerPath: string;
  readonly retainerPathSteps: readonly { readonly edge: string; readonly edgeType: string; readonly node: NodeSummary }[];
  /** The first retainers, in snapshot order. */
  readonly retainers: readonly { readonly edge: string; readonly edgeType: string; readonly node: NodeSummary }[];
  readonly retainerCount: number;
  /** Immediate dominator first, up to the root. */
  readonly dominators: readonly NodeSummary[];
  /** Nodes this one dominates directly, biggest retained size first. */
  readonly dominated: readonly NodeSummary[];
  readonly dominatedCount: number;
  /**
   * Where it was allocated, innermost frame first: present when the snapshot was taken while
   * V8 tracked allocations (empty for objects allocated before tracking started).
   */
  readonly allocationStack?: readonly AllocationFrame[];
}

/** A node's id, names and sizes. */
export function summarizeNode(graph: HeapGraph, node: number): NodeSummary {
  return {
    id: graph.nodeId(node),
    name: graph.nodeName(node),
    className: graph.className(node),
    type: graph.nodeType(node),
    label: nodeLabel(graph, node),
    selfSize: shallowSizes(graph)[node]!,
    retainedSize: dominatorTree(graph).retainedSizes[node]!,
  };
}

/**
 * Gathers what there is to know about one node: sizes, distance, retainer path, first
 * retainers, dominator chain and biggest dominated children.
 *
 * @example describeNode(graph, graph.ordinalOfId(1234), { retainers: 10, dominated: 10 })
 */
export function describeNode(graph: HeapGraph, node: number, limits: { retainers?: number; dominated?: number } = {}): NodeReport {
  const maxRetainers = limits.retainers ?? 10;
  const maxDominated = limits.dominated ?? 10;
  const steps = retainerPath(graph, node);
  const { firstRetainer, retainerNodes } = graph.retainers;
  const edges = graph.retainingEdges(node);
  const retainers = [];
  for (let i = firstRetainer[node]!; i < firstRetainer[node + 1]! && retainers.length < maxRetainers; i++) {
    const edge = edges[i - firstRetainer[node]!]!;
    retainers.push({ edge: edgeLabel(graph, edge), edgeType: graph.edgeType(edge), node: summarizeNode(graph, retainerNodes[i]!) });
  }
  const { firstDominated } = dominatorTree(graph);
  const keys = classKeys(graph);
  const groupedAs = keys.names[keys.keyOf[node]!]!;
  return {
    ...summarizeNode(graph, node),
    ...(groupedAs !== graph.className(node) ? { groupedAs } : {}),
    v8SelfSize: graph.selfSize(node),
    distance: nodeDistances(graph)[node]!,
    retainerPath: formatRetainerPath(graph, steps),
    retainerPathSteps: steps.map((s) => ({ edge: edgeLabel(graph, s.edge), edgeType: graph.edgeType(s.edge), node: summarizeNode(graph, s.to) })),
    retainers,
    retainerCount: firstRetainer[node + 1]! - firstRetainer[node]!,
    dominators: dominatorChain(graph, node).map((d) => summarizeNode(graph, d)),
    dominated: dominatedChildren(graph, node, maxDominated).map((d) => summarizeNode(graph, d)),
    dominatedCount: firstDominated[node + 1]! - firstDominated[node]!,
    ...(graph.traceTree && graph.traceTree.count > 0 ? { allocationStack: allocationStackReader(graph)(graph.traceNodeId(node)) } : {}),
  };
}
