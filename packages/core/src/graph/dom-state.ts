import type { HeapGraph } from './heap-graph.js';
import { EDGE_FIELDS, EDGE_TO_NODE, EDGE_TYPE_NAME } from '../parser/packed-edges.js';

/** Whether an embedder (DOM-like) node is still attached to a live document or tree. */
export const DomState = { Unknown: 0, Attached: 1, Detached: 2 } as const;

/**
 * Each node's DOM state after propagation, as DevTools computes it: nodes that report a state
 * keep it; native nodes reachable from an attached one (over edges that are not weak or
 * hidden) are attached; native nodes reachable only from detached ones are detached. State
 * does not spread through JavaScript objects. Snapshots without a `detachedness` field treat
 * native nodes named "Detached …" as detached.
 *
 * Returns undefined when no node has a known state (most Node.js snapshots).
 */
export function propagateDomState(graph: HeapGraph): Uint8Array | undefined {
  const { nodeCount, nodes, layout, edges, firstEdge } = graph;
  const step = layout.nodeFieldCount;
  const typeOffset = layout.nodeTypeOffset;
  const nativeType = layout.nodeTypes.indexOf('native');
  let states: Uint8Array;
  // The nodes that report a state, in order: a handful in a Node.js snapshot (nothing below
  // loops over every node again).
  const known: number[] = [];
  if (graph.header.layout.nodeDetachednessOffset >= 0) {
    // Most Node.js snapshots have the field but no state (then the graph keeps no array for it).
    const reported = graph.nodeDetachedness;
    if (!reported) return undefined;
    states = new Uint8Array(nodeCount);
    const { ordinals, values } = reported;
    for (let i = 0; i < ordinals.length; i++) {
      const state = values[i]!;
      if (state === DomState.Attached || state === DomState.Detached) {
        states[ordinals[i]!] = state;
        known.push(ordinals[i]!);
      }
    }
  } else {
    states = new Uint8Array(nodeCount);
    for (let n = 0, base = 0; n < nodeCount; n++, base += step) {
      if (nodes[base + typeOffset] === nativeType && graph.strings.startsWith(graph.nodeNameIndex(n), 'Detached ')) {
        states[n] = DomState.Detached;
        known.push(n);
      }
    }
  }
  if (known.length === 0) return undefined;

  // Bit 4 of a node's entry marks it visited, so no second array per node is needed; the
  // visited nodes are listed to clear it after.
  const VISITED = 4;
  const visited: number[] = [];
  const attached: number[] = [];
  const detached: number[] = [];
  const visit = (n: number, state: number): void => {
    if (states[n]! & VISITED) return;
    visited.push(n);
    if (nodes[n * step + typeOffset] !== nativeType) {
      states[n] = states[n]! | VISITED;
      return;
    }
    states[n] = state | VISITED;
    if (state === DomState.Attached) attached.push(n);
    else if (state === DomState.Detached) detached.push(n);
  };
  for (const n of known) visit(n, states[n]! & 3);

  const edgeStep = EDGE_FIELDS;
  const typeMask = graph.edgePacking.typeMask;
  const weakType = layout.edgeTypes.indexOf('weak');
  const hiddenType = layout.edgeTypes.indexOf('hidden');
  const spread = (from: number, state: number): void => {
    const end = firstEdge[from + 1]!;
    for (let e = firstEdge[from]!, base = e * edgeStep; e < end; e++, base += edgeStep) {
      const type = edges[base + EDGE_TYPE_NAME]! & typeMask;
      if (type === weakType || type === hiddenType) continue;
      visit(edges[base + EDGE_TO_NODE]!, state);
    }
  };
  while (attached.length) spread(attached.pop()!, DomState.Attached);
  while (detached.length) {
    const n = detached.pop()!;
    if ((states[n]! & 3) !== DomState.Attached) spread(n, DomState.Detached);
  }
  for (const n of visited) states[n] = states[n]! & 3;
  return states;
}
