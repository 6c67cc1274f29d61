import {
  allocationStackReader,
  dominatedChildren,
  dominatorChain,
  dominatorTree,
  edgeLabel,
  formatBytes,
  formatCount,
  nodeLabel,
  retainerPath,
  type AllocationFrame,
  type HeapGraph,
} from '@heapdiff/core';
import { formatFrame, printable } from '@heapdiff/reporter';
import { distanceText, type SnapshotModel } from './snapshot-model.js';

/** One line of an object's detail view. */
export interface DetailLine {
  readonly text: string;
  /** `heading` starts a section; `node` lines name an object (Enter opens it); `text` is the rest. */
  readonly kind: 'heading' | 'node' | 'text';
  /** The object the line names. */
  readonly node?: number;
  /** Depth in the retainers tree (1 for the object's own retainers). */
  readonly depth?: number;
  /** Retainers-tree lines that can open: the key `expanded` holds while they are open. */
  readonly expandKey?: string;
  readonly expanded?: boolean;
  /** The line of the tree node above this one. */
  readonly parent?: number;
}

/** How many retainers (per tree node), edges, dominators and dominated objects a detail lists. */
const LIMITS = { retainers: 25, edges: 50, dominators: 12, dominated: 10, frames: 12 } as const;

/**
 * Everything the detail view shows about one object, as lines: its sizes, the retainer path
 * from the GC roots, a retainers tree (each retainer opens onto its own retainers when its
 * key is in `expanded`), the outgoing edges, the dominator chain, the biggest objects it
 * retains, and its allocation stack when the snapshot has one.
 */
export function nodeDetailLines(model: SnapshotModel, node: number, expanded: ReadonlySet<string>): DetailLine[] {
  const { graph } = model;
  const lines: DetailLine[] = [];
  const row = model.row(node);
  const retainerCount = graph.retainers.firstRetainer[node + 1]! - graph.retainers.firstRetainer[node]!;
  lines.push({
    kind: 'heading',
    text: `${label(graph, node)}  ${printable(graph.nodeType(node))}`,
  });
  lines.push({
    kind: 'text',
    text: `shallow ${formatBytes(row.selfSize)} · retained ${formatBytes(row.retainedSize)} · distance ${row.distance === undefined ? 'unreachable' : distanceText(row.distance)} · ${formatCount(retainerCount)} ${retainerCount === 1 ? 'retainer' : 'retainers'}`,
  });
  const name = graph.nodeName(node);
  if (name && name !== graph.className(node)) lines.push({ kind: 'text', text: `name: ${printable(name.length > 200 ? `${name.slice(0, 200)}…` : name)}` });

  lines.push({ kind: 'heading', text: 'Retainer path from the GC roots' });
  const steps = retainerPath(graph, node);
  if (steps.length === 0) lines.push({ kind: 'text', text: node === graph.rootOrdinal ? '(this is the root)' : '(nothing reaches it from the GC roots)' });
  for (const [i, step] of steps.entries()) {
    // The path starts at what the root holds ("(GC roots)", a global): the root itself is nameless.
    if (i === 0 && step.from === graph.rootOrdinal) lines.push({ kind: 'node', node: step.to, text: label(graph, step.to) });
    else {
      if (i === 0) lines.push({ kind: 'node', node: step.from, text: label(graph, step.from) });
      lines.push({ kind: 'node', node: step.to, text: `  ${edgeText(graph, step.edge)} → ${label(graph, step.to)}` });
    }
  }

  lines.push({ kind: 'heading', text: `Retainers (${formatCount(retainerCount)}) — → opens one's own retainers, ← closes` });
  addRetainers(graph, node, 1, 'r', [node], undefined, lines, expanded);

  const edgeCount = graph.firstEdge[node + 1]! - graph.firstEdge[node]!;
  lines.push({ kind: 'heading', text: `Edges (${formatCount(edgeCount)})` });
  for (let e = graph.firstEdge[node]!, k = 0; e < graph.firstEdge[node + 1]! && k < LIMITS.edges; e++, k++) {
    const to = graph.edgeTarget(e);
    lines.push({ kind: 'node', node: to, text: `${edgeText(graph, e)} → ${label(graph, to)}  ${sizes(graph, to)}${weakNote(graph, e)}` });
  }
  if (edgeCount > LIMITS.edges) lines.push({ kind: 'text', text: `… ${formatCount(edgeCount - LIMITS.edges)} more` });

  const chain = dominatorChain(graph, node);
  lines.push({ kind: 'heading', text: 'Dominators (freeing one frees this object)' });
  for (const d of chain.slice(0, LIMITS.dominators)) lines.push({ kind: 'node', node: d, text: `${label(graph, d)}  ${sizes(graph, d)}` });
  if (chain.length > LIMITS.dominators) lines.push({ kind: 'text', text: `… ${formatCount(chain.length - LIMITS.dominators)} more, up to the root` });

  const { firstDominated } = dominatorTree(graph);
  const dominatedCount = firstDominated[node + 1]! - firstDominated[node]!;
  lines.push({ kind: 'heading', text: `Retains (${formatCount(dominatedCount)} ${dominatedCount === 1 ? 'object' : 'objects'} only it keeps, biggest first)` });
  for (const d of dominatedChildren(graph, node, LIMITS.dominated)) lines.push({ kind: 'node', node: d, text: `${label(graph, d)}  ${sizes(graph, d)}` });
  if (dominatedCount > LIMITS.dominated) lines.push({ kind: 'text', text: `… ${formatCount(dominatedCount - LIMITS.dominated)} more` });

  if (graph.traceTree && graph.traceTree.count > 0) {
    lines.push({ kind: 'heading', text: 'Allocated at' });
    const frames = allocationFrames(graph, node);
    if (frames.length === 0) lines.push({ kind: 'text', text: '(not recorded: allocated before tracking started)' });
    for (const frame of frames.slice(0, LIMITS.frames)) lines.push({ kind: 'text', text: printable(formatFrame(frame)) });
  }
  return lines;
}

/** The retainers of `node` as tree lines at `depth`, recursing into the expanded ones. */
function addRetainers(
  graph: HeapGraph,
  node: number,
  depth: number,
  key: string,
  ancestors: number[],
  parent: number | undefined,
  lines: DetailLine[],
  expanded: ReadonlySet<string>,
): void {
  const { firstRetainer, retainerNodes } = graph.retainers;
  const from = firstRetainer[node]!;
  const to = firstRetainer[node + 1]!;
  const edges = graph.retainingEdges(node);
  const indent = '  '.repeat(Math.min(depth - 1, 20));
  for (let i = from; i < to && i - from < LIMITS.retainers; i++) {
    const retainer = retainerNodes[i]!;
    const edge = edges[i - from]!;
    const cycle = ancestors.includes(retainer);
    const hasRetainers = firstRetainer[retainer + 1]! > firstRetainer[retainer]!;
    const childKey = `${key}/${i - from}`;
    const open = !cycle && hasRetainers && expanded.has(childKey);
    const marker = cycle || !hasRetainers ? '·' : open ? '▾' : '▸';
    const index = lines.length;
    lines.push({
      kind: 'node',
      node: retainer,
      depth,
      ...(parent === undefined ? {} : { parent }),
      ...(cycle || !hasRetainers ? {} : { expandKey: childKey, expanded: open }),
      text: `${indent}${marker} ${edgeText(graph, edge)} in ${label(graph, retainer)}  ${sizes(graph, retainer)}${weakNote(graph, edge)}${cycle ? '  (cycle)' : ''}`,
    });
    if (open) addRetainers(graph, retainer, depth + 1, childKey, [...ancestors, retainer], index, lines, expanded);
  }
  if (to - from > LIMITS.retainers) {
    lines.push({ kind: 'text', depth, text: `${indent}  … ${formatCount(to - from - LIMITS.retainers)} more` });
  }
}

function label(graph: HeapGraph, node: number): string {
  return printable(nodeLabel(graph, node));
}

function edgeText(graph: HeapGraph, edge: number): string {
  return printable(edgeLabel(graph, edge));
}

function weakNote(graph: HeapGraph, edge: number): string {
  const type = graph.edgeType(edge);
  return type === 'weak' || type === 'shortcut' ? `  (${type})` : '';
}

function sizes(graph: HeapGraph, node: number): string {
  return `retained ${formatBytes(dominatorTree(graph).retainedSizes[node]!)}`;
}

function allocationFrames(graph: HeapGraph, node: number): readonly AllocationFrame[] {
  return allocationStackReader(graph)(graph.traceNodeId(node));
}
