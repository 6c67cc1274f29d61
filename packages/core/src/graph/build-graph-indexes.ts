import { SnapshotInconsistentError, type InputLocation } from '../errors.js';
import type { ParsedSnapshot, SectionCheckpoints } from '../parser/snapshot-parser.js';

/**
 * Turns the byte offset of value `index` of `section` into the nearest byte offset we know:
 * the start of the chunk it was read from (exact to within one input chunk).
 */
export function offsetOfValue(checkpoints: SectionCheckpoints, section: string, index: number): number | undefined {
  const cp = checkpoints.get(section);
  if (!cp) return undefined;
  let lo = 0;
  let hi = cp.values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (cp.values[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  return cp.offsets[lo];
}

export interface GraphIndexes {
  /** `firstEdge[n]..firstEdge[n + 1]` are the edge records (not values) of node ordinal `n`. */
  readonly firstEdge: Uint32Array;
}

/**
 * Checks that nodes, edges and strings agree and builds the forward-edge index. Rewrites each
 * edge's `to_node` from a node index into a node ordinal, in place (halving later lookups).
 * One flat pass over each array; the errors name the node or edge and where it was read.
 */
export function buildGraphIndexes(parsed: ParsedSnapshot, file: string | undefined): GraphIndexes {
  const { header, nodes, edges, strings, checkpoints } = parsed;
  const { layout, nodeCount, edgeCount } = header;
  const nodeFieldCount = layout.nodeFieldCount;
  const edgeFieldCount = layout.edgeFieldCount;
  const typeOffset = layout.nodeTypeOffset;
  const nameOffset = layout.nodeNameOffset;
  const edgeCountOffset = layout.nodeEdgeCountOffset;
  const nodeTypeCount = layout.nodeTypes.length;
  const stringCount = strings.count;
  const where = (section: string, valueIndex: number): InputLocation => {
    const offset = offsetOfValue(checkpoints, section, valueIndex);
    const location: InputLocation = {};
    if (file !== undefined) location.file = file;
    if (offset !== undefined) location.offset = offset;
    return location;
  };

  const firstEdge = new Uint32Array(nodeCount + 1);
  let edgeTotal = 0;
  for (let ordinal = 0, base = 0; ordinal < nodeCount; ordinal++, base += nodeFieldCount) {
    const type = nodes[base + typeOffset]!;
    const name = nodes[base + nameOffset]!;
    if (type >= nodeTypeCount) {
      throw new SnapshotInconsistentError(
        `node #${ordinal} has type ${type}, but meta.node_types lists only ${nodeTypeCount} types`,
        where('nodes', base + typeOffset),
      );
    }
    if (name >= stringCount) {
      throw new SnapshotInconsistentError(
        `node #${ordinal} names string ${name}, but the strings table has only ${stringCount} entries`,
        where('nodes', base + nameOffset),
      );
    }
    firstEdge[ordinal] = edgeTotal;
    edgeTotal += nodes[base + edgeCountOffset]!;
  }
  firstEdge[nodeCount] = edgeTotal;
  if (edgeTotal !== edgeCount) {
    throw new SnapshotInconsistentError(
      `the nodes' edge_count fields add up to ${edgeTotal}, but the header declares ${edgeCount} edges`,
      where('nodes', 0),
    );
  }

  const edgeTypeOffset = layout.edgeTypeOffset;
  const edgeNameOffset = layout.edgeNameOffset;
  const toNodeOffset = layout.edgeToNodeOffset;
  const edgeTypeCount = layout.edgeTypes.length;
  const elementType = layout.edgeTypes.indexOf('element');
  const hiddenType = layout.edgeTypes.indexOf('hidden');
  const nodesLength = nodes.length;
  const edgesLength = edges.length;
  for (let base = 0; base < edgesLength; base += edgeFieldCount) {
    const type = edges[base + edgeTypeOffset]!;
    const toNode = edges[base + toNodeOffset]!;
    if (type >= edgeTypeCount) {
      throw new SnapshotInconsistentError(
        `edge #${base / edgeFieldCount} has type ${type}, but meta.edge_types lists only ${edgeTypeCount} types`,
        where('edges', base + edgeTypeOffset),
      );
    }
    if (toNode % nodeFieldCount !== 0 || toNode >= nodesLength) {
      const why = toNode >= nodesLength ? `past the last node (${nodesLength - nodeFieldCount})` : `not a multiple of the ${nodeFieldCount} node fields`;
      throw new SnapshotInconsistentError(
        `edge #${base / edgeFieldCount} points to node index ${toNode}, ${why}`,
        where('edges', base + toNodeOffset),
      );
    }
    if (type !== elementType && type !== hiddenType && edges[base + edgeNameOffset]! >= stringCount) {
      throw new SnapshotInconsistentError(
        `edge #${base / edgeFieldCount} names string ${edges[base + edgeNameOffset]}, but the strings table has only ${stringCount} entries`,
        where('edges', base + edgeNameOffset),
      );
    }
    edges[base + toNodeOffset] = toNode / nodeFieldCount;
  }
  return { firstEdge };
}
