import { AnalysisKey } from '../graph/analysis-cache.js';
import type { HeapGraph } from '../graph/heap-graph.js';
import { doubled } from './doubled.js';

const PAGE_OWNED = new AnalysisKey<Uint8Array>('page-owned nodes');

/**
 * Which nodes belong to the program rather than to the engine or a debugger: those reachable,
 * over non-weak edges, from the root's `shortcut` edges (the global objects, or windows) and
 * from the "(Document DOM trees)" group. 1 for such a node, 0 otherwise. DevTools uses this to
 * ignore edges from engine-owned nodes into program-owned ones when computing dominators.
 */
export function pageOwnedNodes(graph: HeapGraph): Uint8Array {
  return graph.analyses.get(PAGE_OWNED, () => findPageOwnedNodes(graph));
}

function findPageOwnedNodes(graph: HeapGraph): Uint8Array {
  const { nodeCount, edges, firstEdge, layout } = graph;
  const flags = new Uint8Array(nodeCount);
  let stack = new Uint32Array(Math.min(nodeCount, 1 << 20) || 1);
  let top = 0;
  const push = (n: number): void => {
    if (top === stack.length) stack = doubled(stack);
    stack[top++] = n;
  };
  const edgeStep = layout.edgeFieldCount;
  const typeAt = layout.edgeTypeOffset;
  const toAt = layout.edgeToNodeOffset;
  const shortcut = layout.edgeTypes.indexOf('shortcut');
  const element = layout.edgeTypes.indexOf('element');
  const weak = layout.edgeTypes.indexOf('weak');
  const synthetic = layout.nodeTypes.indexOf('synthetic');
  const root = graph.rootOrdinal;
  for (let e = firstEdge[root]!; e < firstEdge[root + 1]!; e++) {
    const type = edges[e * edgeStep + typeAt];
    const target = edges[e * edgeStep + toAt]!;
    if (type === element) {
      if (graph.nodeTypeIndex(target) !== synthetic || graph.nodeName(target) !== '(Document DOM trees)') continue;
    } else if (type !== shortcut) {
      continue;
    }
    if (flags[target]) continue;
    push(target);
    flags[target] = 1;
  }
  while (top > 0) {
    const n = stack[--top]!;
    const end = firstEdge[n + 1]!;
    for (let e = firstEdge[n]!, base = e * edgeStep; e < end; e++, base += edgeStep) {
      const target = edges[base + toAt]!;
      if (flags[target] || edges[base + typeAt] === weak) continue;
      flags[target] = 1;
      push(target);
    }
  }
  return flags;
}
