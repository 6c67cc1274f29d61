import type { HeapGraph } from '../graph/heap-graph.js';
import { EDGE_FIELDS, EDGE_TO_NODE } from '../parser/packed-edges.js';

/**
 * What every kernel that walks the edges needs to know of the snapshot's layout: a part of the
 * parameters of the distances, shallow sizes and program-owned nodes' kernels (plain numbers,
 * so that they go to a worker thread as they are; the kernels, which import nothing, each
 * declare these fields themselves).
 */
export interface EdgeWalkParams {
  nodeCount: number;
  /** Values per edge record; the packed type and name at offset 0 (see parser/packed-edges.ts). */
  edgeFieldCount: number;
  /** The type bits of the packed type and name. */
  edgeTypeMask: number;
  toNodeOffset: number;
  /** The `weak` edge type, which no walk follows. */
  weakType: number;
}

/** The `EdgeWalkParams` of `graph`. */
export function edgeWalkParams(graph: HeapGraph): EdgeWalkParams {
  return {
    nodeCount: graph.nodeCount,
    edgeFieldCount: EDGE_FIELDS,
    edgeTypeMask: graph.edgePacking.typeMask,
    toNodeOffset: EDGE_TO_NODE,
    weakType: graph.layout.edgeTypes.indexOf('weak'),
  };
}
