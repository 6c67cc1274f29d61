import { SpareMemory } from '../parser/spare-memory.js';
import type { HeapGraph } from './heap-graph.js';
import { scratchArrays } from './scratch-arrays.js';

const RETIRED_FIELDS = ['nodes', 'edges', 'firstEdge', 'nodeCount', 'edgeCount'] as const;

/**
 * Takes the shared memory of `graph` (its nodes, edges, edge index and the analyses' free work
 * arrays) for a new load, and makes the graph refuse any further use: its arrays are about to
 * be overwritten. A graph outside shared memory (a small snapshot) gives nothing and stays
 * usable.
 */
export function retireGraph(graph: HeapGraph): SpareMemory {
  if (graph.analyses.busy) throw new TypeError('parseSnapshot: `reuse` names a graph still being analysed; await its analyses first');
  const arrays = [graph.nodes, graph.edges, graph.firstEdge];
  if (!arrays.every((array) => array.buffer instanceof SharedArrayBuffer)) return new SpareMemory([]);
  const buffers = [...arrays.map((array) => array.buffer as SharedArrayBuffer), ...scratchArrays(graph).drain()];
  const refuse = (): never => {
    throw new TypeError('this graph was given to parseSnapshot as `reuse`: its memory now holds another snapshot; load it again to use it');
  };
  for (const field of RETIRED_FIELDS) Object.defineProperty(graph, field, { get: refuse, configurable: true, enumerable: true });
  graph.analyses.clear();
  return new SpareMemory(buffers);
}

/** Whether `retireGraph` was called on the graph. */
export function isRetired(graph: HeapGraph): boolean {
  return Object.getOwnPropertyDescriptor(graph, 'nodes')?.get !== undefined;
}

/** Hands the spares a load did not use to its graph's analyses, as work arrays. */
export function giveRestToAnalyses(graph: HeapGraph, spare: SpareMemory): void {
  const scratch = scratchArrays(graph);
  for (const buffer of spare.rest()) if (buffer.byteLength % 4 === 0) scratch.give(new Uint32Array(buffer));
}
