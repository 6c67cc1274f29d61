import type { HeapGraph } from '../graph/heap-graph.js';

/**
 * What every kernel that walks the edges needs to know of the snapshot's layout: a part of the
 * parameters of the distances, shallow sizes and program-owned nodes' kernels (plain numbers,
 * so that they go to a worker thread as they are; the kernels, which import nothing, each
 * declare these fields themselves).
 */
export interface EdgeWalkParams {
  nodeCount: number;
  edgeFieldCount: number;
  edgeTypeOffset: number;
  toNodeOffset: number;
  /** The `weak` edge type, which no walk follows. */
  weakType: number;
}

/** The `EdgeWalkParams` of `graph`. */
export function edgeWalkParams(graph: HeapGraph): EdgeWalkParams {
  const { layout } = graph;
  return {
    nodeCount: graph.nodeCount,
    edgeFieldCount: layout.edgeFieldCount,
    edgeTypeOffset: layout.edgeTypeOffset,
    toNodeOffset: layout.edgeToNodeOffset,
    weakType: layout.edgeTypes.indexOf('weak'),
  };
}
