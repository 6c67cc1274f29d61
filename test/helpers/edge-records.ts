import type { HeapGraph } from '@heapdiff/core';

/**
 * The graph's edges laid out as in the file (`edge_fields` order), with `to_node` as a node
 * ordinal: read back through the graph's accessors, so that a test compares what the graph
 * answers, not how it packs its edges.
 */
export function edgeRecords(graph: HeapGraph): number[] {
  const { edgeFieldCount, edgeTypeOffset, edgeNameOffset, edgeToNodeOffset } = graph.header.layout;
  const records = new Array<number>(graph.edgeCount * edgeFieldCount).fill(0);
  for (let e = 0, base = 0; e < graph.edgeCount; e++, base += edgeFieldCount) {
    records[base + edgeTypeOffset] = graph.edgeTypeIndex(e);
    records[base + edgeNameOffset] = graph.edgeNameOrIndex(e);
    records[base + edgeToNodeOffset] = graph.edgeTarget(e);
  }
  return records;
}
