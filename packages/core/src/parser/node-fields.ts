import type { SnapshotLayout } from './snapshot-layout.js';

/**
 * How a loaded graph holds its nodes: each record keeps the fields the analyses read (`type`,
 * `name`, `id`, `self_size`, and any field heapdiff does not know), in the file's order; three
 * fields live elsewhere, so that the biggest array after the edges is 3/7 smaller:
 *
 *   edge_count     → the edge index (`firstEdge[n + 1] - firstEdge[n]`)
 *   trace_node_id  → a side array, written only where not 0 (0 in every node but with
 *                    allocation tracking)
 *   detachedness   → the nodes where it is not 0, with their values (a handful in a
 *                    Node.js snapshot; DOM nodes in a browser's)
 *
 * A side field is dropped when no node has a value in it. Workers place records this way as
 * they check them; an inline parse packs its records in place (see `packNodesInPlace`).
 *
 * @example
 * const packing = nodePacking(layout)
 * graphNodes[n * packing.width + packing.layout.nodeIdOffset] // node n's id
 */
export interface NodePacking {
  /** Values per node in the file. */
  readonly fileWidth: number;
  /** Values per node in the graph. */
  readonly width: number;
  /** For each field the graph keeps, in order: its offset in the file's records. */
  readonly kept: readonly number[];
  /** Offsets in the file's records; -1 for a field the snapshot does not have. */
  readonly edgeCountAt: number;
  readonly traceNodeIdAt: number;
  readonly detachednessAt: number;
  /** The node fields of the graph's layout. */
  readonly layout: GraphNodeLayout;
}

/** Node fields as a loaded graph has them (see `NodePacking`). */
export type GraphNodeLayout = Pick<SnapshotLayout, 'nodeFields' | 'nodeFieldCount' | 'nodeTypeOffset' | 'nodeNameOffset' | 'nodeIdOffset' | 'nodeSelfSizeOffset'>;

/** The node fields a graph keeps apart from its records. */
export const SIDE_NODE_FIELDS: readonly string[] = ['edge_count', 'trace_node_id', 'detachedness'];

export function nodePacking(layout: Pick<SnapshotLayout, 'nodeFields'>): NodePacking {
  const fields = layout.nodeFields;
  const kept: number[] = [];
  fields.forEach((field, offset) => {
    if (!SIDE_NODE_FIELDS.includes(field)) kept.push(offset);
  });
  const nodeFields = kept.map((offset) => fields[offset]!);
  return {
    fileWidth: fields.length,
    width: kept.length,
    kept,
    edgeCountAt: fields.indexOf('edge_count'),
    traceNodeIdAt: fields.indexOf('trace_node_id'),
    detachednessAt: fields.indexOf('detachedness'),
    layout: {
      nodeFields,
      nodeFieldCount: nodeFields.length,
      nodeTypeOffset: nodeFields.indexOf('type'),
      nodeNameOffset: nodeFields.indexOf('name'),
      nodeIdOffset: nodeFields.indexOf('id'),
      nodeSelfSizeOffset: nodeFields.indexOf('self_size'),
    },
  };
}

/** The side fields of a graph's nodes, each undefined when every node has 0. */
export interface NodeSideFields {
  /** One value per node. */
  readonly traceNodeIds: Uint32Array | undefined;
  readonly detachedness: SparseNodeValues | undefined;
}

/** The nodes whose value of a field is not 0 (ordinals, ascending), with their values. */
export interface SparseNodeValues {
  readonly ordinals: Uint32Array;
  readonly values: Uint32Array;
}

/**
 * Runs of pairs (node ordinal, value), each run ascending and the runs over ranges of nodes
 * that do not overlap (one per worker job, in any order), as sparse values; undefined when
 * there are none.
 */
export function sparseNodeValues(runs: readonly (readonly number[])[]): SparseNodeValues | undefined {
  const sorted = runs.filter((run) => run.length > 0).sort((a, b) => a[0]! - b[0]!);
  const count = sorted.reduce((sum, run) => sum + run.length / 2, 0);
  if (count === 0) return undefined;
  const ordinals = new Uint32Array(count);
  const values = new Uint32Array(count);
  let k = 0;
  for (const run of sorted) {
    for (let i = 0; i < run.length; i += 2, k++) {
      ordinals[k] = run[i]!;
      values[k] = run[i + 1]!;
    }
  }
  for (let i = 1; i < count; i++) {
    if (ordinals[i]! <= ordinals[i - 1]!) throw new Error(`node side values out of order at ${i}: runs overlap`);
  }
  return { ordinals, values };
}

/**
 * Packs `nodeCount` records of `nodes`, laid out as in the file, in place (see `NodePacking`):
 * the front of the array then holds the graph's records. Writes each node's edge count to
 * `edgeCounts[n]` and returns the side fields.
 */
export function packNodesInPlace(nodes: Uint32Array, nodeCount: number, packing: NodePacking, edgeCounts: Uint32Array): NodeSideFields {
  const { fileWidth, width, kept, edgeCountAt } = packing;
  const traceNodeIds = sideField(nodes, nodeCount, fileWidth, packing.traceNodeIdAt);
  const detached: number[] = [];
  const detachedAt = packing.detachednessAt;
  if (detachedAt >= 0) {
    for (let n = 0, i = detachedAt; n < nodeCount; n++, i += fileWidth) if (nodes[i] !== 0) detached.push(n, nodes[i]!);
  }
  const detachedness = sparseNodeValues([detached]);
  const keptCount = kept.length;
  for (let n = 0, from = 0, to = 0; n < nodeCount; n++, from += fileWidth, to += width) {
    edgeCounts[n] = nodes[from + edgeCountAt]!;
    // `to` never passes `from`: a record moves only towards the front.
    for (let k = 0; k < keptCount; k++) nodes[to + k] = nodes[from + kept[k]!]!;
  }
  return { traceNodeIds, detachedness };
}

/** The values of field `at` of every record, or undefined when the field is absent or always 0. */
function sideField(nodes: Uint32Array, nodeCount: number, fileWidth: number, at: number): Uint32Array | undefined {
  if (at < 0) return undefined;
  let first = at;
  const end = nodeCount * fileWidth;
  while (first < end && nodes[first] === 0) first += fileWidth;
  if (first >= end) return undefined;
  const values = new Uint32Array(nodeCount);
  for (let n = (first - at) / fileWidth, i = first; n < nodeCount; n++, i += fileWidth) values[n] = nodes[i]!;
  return values;
}
