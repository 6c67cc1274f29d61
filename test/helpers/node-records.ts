import type { HeapGraph } from '@heapdiff/core';

/**
 * The graph's nodes laid out as in the file (`node_fields` order, `edge_count`,
 * `trace_node_id` and `detachedness` included): read back through the graph's accessors, so
 * that a test compares what the graph answers, not how it packs its nodes.
 */
export function nodeRecords(graph: HeapGraph): number[] {
  const fileFields = graph.header.layout.nodeFields;
  const width = fileFields.length;
  const kept = graph.layout.nodeFields;
  const records = new Array<number>(graph.nodeCount * width).fill(0);
  const detached = new Map<number, number>();
  const sparse = graph.nodeDetachedness;
  if (sparse) sparse.ordinals.forEach((n, i) => detached.set(n, sparse.values[i]!));
  fileFields.forEach((field, offset) => {
    const at = kept.indexOf(field);
    for (let n = 0, base = offset; n < graph.nodeCount; n++, base += width) {
      records[base] =
        at >= 0
          ? graph.nodes[n * kept.length + at]!
          : field === 'edge_count'
            ? graph.edgeCountOf(n)
            : field === 'trace_node_id'
              ? graph.traceNodeId(n)
              : (detached.get(n) ?? 0);
    }
  });
  return records;
}
