import { dominatorTree } from '../analysis/dominators.js';
import { NO_DISTANCE, nodeDistances } from '../analysis/distances.js';
import { shallowSizes } from '../analysis/shallow-sizes.js';
import type { HeapGraph } from '../graph/heap-graph.js';
import { nodeRenewals } from '../diff/node-renewals.js';

/**
 * Node types never counted as leaked: the engine's bookkeeping (code, shapes, `(system)` and
 * `(array)` parts) and native memory, whose ids V8 gives only when it snapshots. Their sizes
 * still count in their owners' retained sizes.
 */
const ENGINE_TYPES = new Set(['hidden', 'code', 'object shape', 'synthetic', 'array', 'native']);

/** Which nodes of the last snapshot are leaked, and which of those are leak roots. */
export interface LeakedNodes {
  /** 1 for a leaked node: allocated after the baseline (odd id above it), alive, not the engine's. */
  readonly leaked: Uint8Array;
  /** The leaked nodes not dominated by a leaked one (through new parts of the engine): where new memory hangs on old. */
  readonly roots: Uint32Array;
}

/**
 * The objects of `graph` allocated after the snapshot whose highest object id was `baselineId`
 * (V8 gives JavaScript objects odd ids in allocation order) and still reachable, without the
 * engine's own and what Node renews by itself (node-renewals.ts), reduced to the leak roots.
 */
export function leakedNodes(graph: HeapGraph, baselineId: number): LeakedNodes {
  const distances = nodeDistances(graph);
  const shallow = shallowSizes(graph);
  const engine = new Uint8Array(graph.layout.nodeTypes.length);
  graph.layout.nodeTypes.forEach((type, i) => (engine[i] = ENGINE_TYPES.has(type) ? 1 : 0));
  const leaked = new Uint8Array(graph.nodeCount);
  const fields = graph.layout.nodeFieldCount;
  const [idAt, typeAt] = [graph.layout.nodeIdOffset, graph.layout.nodeTypeOffset];
  const nodes = graph.nodes;
  for (let n = 0, base = 0; n < graph.nodeCount; n++, base += fields) {
    const id = nodes[base + idAt]!;
    if ((id & 1) === 0 || id <= baselineId || engine[nodes[base + typeAt]!] || shallow[n] === 0 || distances[n] === NO_DISTANCE) continue;
    leaked[n] = 1;
  }
  for (const n of nodeRenewals(graph)) leaked[n] = 0;
  leaveOutOwnObjects(graph, leaked);
  // A root's nearest dominator that is not a new part of the engine (a grown Map's table, a
  // generator's register file) must not be leaked: those parts are looked through, so that
  // what a leaked object holds through them is not a root of its own. One walk down the tree.
  const { firstDominated, dominated } = dominatorTree(graph);
  const underLeaked = new Uint8Array(graph.nodeCount); // 1: the nearest such dominator is leaked
  const roots: number[] = [];
  const stack = [graph.rootOrdinal];
  while (stack.length > 0) {
    const n = stack.pop()!;
    const id = nodes[n * fields + idAt]!;
    const lookThrough = !leaked[n] && (id & 1) === 1 && id > baselineId && engine[nodes[n * fields + typeAt]!] === 1;
    const marksChildren = leaked[n] ? 1 : lookThrough ? underLeaked[n]! : 0;
    if (leaked[n] && !underLeaked[n]) roots.push(n);
    for (let i = firstDominated[n]!; i < firstDominated[n + 1]!; i++) {
      const child = dominated[i]!;
      underLeaked[child] = marksChildren;
      stack.push(child);
    }
  }
  roots.sort((a, b) => a - b);
  return { leaked, roots: Uint32Array.from(roots) };
}

/**
 * heapdiff's own objects in a program that uses it (a mark, a snapshot being written: marked
 * with a symbol property V8 names `<symbol heapdiff.own.…>`, see capture/own-marker.ts), and
 * all that only they hold, are not the program's leaks.
 */
function leaveOutOwnObjects(graph: HeapGraph, leaked: Uint8Array): void {
  const markers = new Set(graph.strings.indexesContaining('heapdiff.own.').filter((s) => graph.strings.startsWith(s, '<symbol heapdiff.own.')));
  if (markers.size === 0) return;
  const property = graph.layout.edgeTypes.indexOf('property');
  const { firstDominated, dominated } = dominatorTree(graph);
  const stack: number[] = [];
  for (let n = 0; n < graph.nodeCount; n++) {
    for (let e = graph.firstEdge[n]!; e < graph.firstEdge[n + 1]!; e++) {
      if (graph.edgeTypeIndex(e) === property && markers.has(graph.edgeNameOrIndex(e))) {
        stack.push(n);
        break;
      }
    }
  }
  while (stack.length > 0) {
    const n = stack.pop()!;
    leaked[n] = 0;
    for (let i = firstDominated[n]!; i < firstDominated[n + 1]!; i++) stack.push(dominated[i]!);
  }
}
