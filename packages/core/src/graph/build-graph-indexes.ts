import { SnapshotInconsistentError, type InputLocation } from '../errors.js';
import type { ParsedSnapshot, SectionCheckpoints } from '../parser/snapshot-parser.js';
import { EDGE_FIELDS, checkStringCount, edgePacking, packEdgesInPlace, packTypeAndName, type EdgePacking } from '../parser/packed-edges.js';
import { sharedUint32Array } from '../parser/spare-memory.js';
import { recordSpec } from '../parser/parallel-numeric-section.js';
import { placeRecords } from '../kernels/place-records.js';
import { nodePacking, packNodesInPlace, sparseNodeValues, type NodePacking, type NodeSideFields } from '../parser/node-fields.js';

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

export interface GraphIndexes extends NodeSideFields {
  /** The nodes, packed (see parser/node-fields.ts): the front of the parsed nodes' array. */
  readonly nodes: Uint32Array;
  readonly nodePacking: NodePacking;
  /** `firstEdge[n]..firstEdge[n + 1]` are the edge records (not values) of node ordinal `n`. */
  readonly firstEdge: Uint32Array;
  /** The edges, packed (see parser/packed-edges.ts): the front of the parsed edges' array. */
  readonly edges: Uint32Array;
  /** The rest of that array, one value per edge, free for the retainer index. */
  readonly edgeRoom: Uint32Array;
  /** Names too big for a packed record, by edge number. */
  readonly nameOverflow: Map<number, number>;
  readonly packing: EdgePacking;
}

/**
 * Checks that nodes, edges and strings agree and builds the forward-edge index. Packs the nodes
 * (see parser/node-fields.ts) and the edges (see parser/packed-edges.ts) in place, each
 * `to_node` turned from a node index into a node ordinal. Sections the parse workers already
 * checked and placed (see `PrecheckedSection`) are only finished here: the records cut between
 * two jobs, and string indexes against the final string count.
 */
export function buildGraphIndexes(parsed: ParsedSnapshot, file: string | undefined): GraphIndexes {
  const { header, nodes, edges, strings, checkpoints, prechecked } = parsed;
  const { layout, nodeCount, edgeCount } = header;
  const nodeFieldCount = layout.nodeFieldCount;
  const edgeFieldCount = layout.edgeFieldCount;
  const nodeTypeCount = layout.nodeTypes.length;
  const edgeTypeCount = layout.edgeTypes.length;
  const stringCount = strings.count;
  const where = (section: string, valueIndex: number): InputLocation => {
    const offset = offsetOfValue(checkpoints, section, valueIndex);
    const location: InputLocation = {};
    if (file !== undefined) location.file = file;
    if (offset !== undefined) {
      location.offset = offset;
      location.after = true;
    }
    return location;
  };
  const fail = (message: string, section: string, valueIndex: number): never => {
    throw new SnapshotInconsistentError(message, where(section, valueIndex));
  };

  // ---- nodes ----
  // Checked as in the file, then packed (see parser/node-fields.ts); the edge counts go into
  // `firstEdge`, which a prefix sum then turns into the edge index.
  const typeOffset = layout.nodeTypeOffset;
  const nameOffset = layout.nodeNameOffset;
  const checkNode = (ordinal: number, type: number, name: number): void => {
    const base = ordinal * nodeFieldCount;
    if (type >= nodeTypeCount) {
      fail(`node #${ordinal} has type ${type}, but meta.node_types lists only ${nodeTypeCount} types`, 'nodes', base + typeOffset);
    }
    if (name >= stringCount) {
      fail(`node #${ordinal} names string ${name}, but the strings table has only ${stringCount} entries`, 'nodes', base + nameOffset);
    }
  };
  const nodesPacked = nodePacking(layout);
  const width = nodesPacked.width;
  const nodeCheck = prechecked.get('nodes');
  const placed = nodeCheck?.nodeSide;
  let firstEdge: Uint32Array;
  let side: NodeSideFields;
  if (nodeCheck && placed) {
    // Placed packed by the workers, but for the records cut between two jobs.
    if (nodeCheck.bad) {
      const record = nodeCheck.bad.record;
      checkNode(Math.floor(nodeCheck.bad.valueIndex / nodeFieldCount), record[typeOffset]!, record[nameOffset]!);
    }
    firstEdge = placed.edgeCounts;
    // The records cut between two jobs, put together and placed by the workers' own kernel.
    const cut = nodeCheck.cutValues;
    const spec = recordSpec('nodes', header);
    const record = new Uint32Array(nodeFieldCount);
    for (const ordinal of new Set(nodeCheck.uncheckedRecords)) {
      const base = ordinal * nodeFieldCount;
      for (let f = 0; f < nodeFieldCount; f++) record[f] = cut.get(base + f)!;
      checkNode(ordinal, record[typeOffset]!, record[nameOffset]!);
      const result = placeRecords(record, nodeFieldCount, nodes, base, spec, placed);
      if (result.traced) placed.traced = true;
      if (result.detached.length > 0) placed.detached.push(result.detached);
    }
    // Workers saw every other name; only a name past the table sends us looking for it.
    if (nodeCheck.maxName >= stringCount) {
      const { nodeTypeOffset: typeAt, nodeNameOffset: nameAt } = nodesPacked.layout;
      for (let n = 0, base = 0; n < nodeCount; n++, base += width) checkNode(n, nodes[base + typeAt]!, nodes[base + nameAt]!);
    }
    side = { traceNodeIds: placed.traced ? placed.traceNodeIds : undefined, detachedness: sparseNodeValues(placed.detached) };
  } else {
    if (nodeCheck) {
      if (nodeCheck.bad) {
        const ordinal = Math.floor(nodeCheck.bad.valueIndex / nodeFieldCount);
        checkNode(ordinal, nodes[ordinal * nodeFieldCount + typeOffset]!, nodes[ordinal * nodeFieldCount + nameOffset]!);
      }
      for (const ordinal of nodeCheck.uncheckedRecords) checkNode(ordinal, nodes[ordinal * nodeFieldCount + typeOffset]!, nodes[ordinal * nodeFieldCount + nameOffset]!);
    }
    if (!nodeCheck || nodeCheck.maxName >= stringCount) {
      for (let n = 0, base = 0; n < nodeCount; n++, base += nodeFieldCount) checkNode(n, nodes[base + typeOffset]!, nodes[base + nameOffset]!);
    }
    // Shared when the nodes are, so analyses can run on worker threads without copies.
    firstEdge = nodes.buffer instanceof SharedArrayBuffer ? sharedUint32Array(nodeCount + 1, parsed.spare) : new Uint32Array(nodeCount + 1);
    side = packNodesInPlace(nodes, nodeCount, nodesPacked, firstEdge);
  }
  let edgeTotal = 0;
  for (let ordinal = 0; ordinal < nodeCount; ordinal++) {
    const count = firstEdge[ordinal]!;
    firstEdge[ordinal] = edgeTotal;
    edgeTotal += count;
  }
  firstEdge[nodeCount] = edgeTotal;
  if (edgeTotal !== edgeCount) {
    fail(`the nodes' edge_count fields add up to ${edgeTotal}, but the header declares ${edgeCount} edges`, 'nodes', 0);
  }

  // ---- edges ----
  const packing = edgePacking(layout);
  checkStringCount(stringCount, packing, file === undefined ? {} : { file });
  const edgeTypeOffset = layout.edgeTypeOffset;
  const edgeNameOffset = layout.edgeNameOffset;
  const toNodeOffset = layout.edgeToNodeOffset;
  const elementType = layout.edgeTypes.indexOf('element');
  const hiddenType = layout.edgeTypes.indexOf('hidden');
  const nodesLength = nodeCount * nodeFieldCount;
  /** Checks one edge's values as in the file (`toNode` a node index, when `checkTarget`). */
  const checkEdge = (edge: number, type: number, name: number, toNode: number, checkTarget: boolean): void => {
    const base = edge * edgeFieldCount;
    if (type >= edgeTypeCount) {
      fail(`edge #${edge} has type ${type}, but meta.edge_types lists only ${edgeTypeCount} types`, 'edges', base + edgeTypeOffset);
    }
    if (checkTarget && (toNode % nodeFieldCount !== 0 || toNode >= nodesLength)) {
      // to_node is where the node's fields start in the nodes array, not its number.
      const why = toNode >= nodesLength ? `past the last node (${nodeCount} nodes: the last one's fields start at ${nodesLength - nodeFieldCount})` : `not a multiple of the ${nodeFieldCount} node fields`;
      fail(`edge #${edge} has to_node ${toNode}, ${why}`, 'edges', base + toNodeOffset);
    }
    if (type !== elementType && type !== hiddenType && name >= stringCount) {
      fail(`edge #${edge} names string ${name}, but the strings table has only ${stringCount} entries`, 'edges', base + edgeNameOffset);
    }
  };
  const { typeBits, typeMask, nameLimit } = packing;
  const edgeCheck = prechecked.get('edges');
  let nameOverflow: Map<number, number>;
  if (edgeCheck) {
    // The workers placed every whole record of their jobs, packed: the records cut between two
    // jobs are put together here, from the values the workers handed back.
    if (edgeCheck.bad) {
      const edge = Math.floor(edgeCheck.bad.valueIndex / edgeFieldCount);
      const record = edgeCheck.bad.record;
      // The worker stopped at this record before placing it; this reports it.
      checkEdge(edge, record[edgeTypeOffset]!, record[edgeNameOffset]!, record[toNodeOffset]!, true);
    }
    nameOverflow = edgeCheck.nameOverflow;
    const cut = edgeCheck.cutValues;
    for (const edge of new Set(edgeCheck.uncheckedRecords)) {
      const base = edge * edgeFieldCount;
      const type = cut.get(base + edgeTypeOffset)!;
      const name = cut.get(base + edgeNameOffset)!;
      const toNode = cut.get(base + toNodeOffset)!;
      checkEdge(edge, type, name, toNode, true);
      edges[2 * edge] = packTypeAndName(type, name, edge, packing, nameOverflow);
      edges[2 * edge + 1] = toNode / nodeFieldCount;
    }
    if (edgeCheck.maxName >= stringCount) {
      // Look for the first name past the table.
      for (let e = 0; e < edgeCount; e++) {
        const packed = edges[2 * e]!;
        const type = packed & typeMask;
        const name = packed >>> typeBits;
        checkEdge(e, type, name === nameLimit ? nameOverflow.get(e)! : name, 0, false);
      }
    }
  } else {
    for (let e = 0, base = 0; e < edgeCount; e++, base += edgeFieldCount) {
      checkEdge(e, edges[base + edgeTypeOffset]!, edges[base + edgeNameOffset]!, edges[base + toNodeOffset]!, true);
      edges[base + toNodeOffset] = edges[base + toNodeOffset]! / nodeFieldCount;
    }
    nameOverflow = new Map();
    packEdgesInPlace(edges, edgeCount, layout, nameOverflow);
  }
  checkLocations(parsed, fail);
  const packedLength = edgeCount * EDGE_FIELDS;
  return {
    nodes: nodes.subarray(0, nodeCount * width),
    nodePacking: nodesPacked,
    ...side,
    firstEdge,
    edges: edges.subarray(0, packedLength),
    edgeRoom: edges.subarray(packedLength, edgeCount * edgeFieldCount),
    nameOverflow,
    packing,
  };
}

/**
 * Checks that `locations` is whole entries of `meta.location_fields` and that each entry's
 * `object_index` is where a node's fields start, as V8 writes them (a bad one would otherwise
 * give a class a location half-way into another node, silently).
 */
function checkLocations(parsed: ParsedSnapshot, fail: (message: string, section: string, valueIndex: number) => never): void {
  const { locations, header } = parsed;
  const fields = header.layout.locationFields;
  const stride = fields.length;
  if (stride === 0 || locations.length === 0) return;
  if (locations.length % stride !== 0) {
    fail(`"locations" holds ${locations.length} values, not a whole number of entries of ${stride} (${fields.join(', ')})`, 'locations', locations.length - 1);
  }
  const objectAt = fields.indexOf('object_index');
  if (objectAt < 0) return;
  const nodeFieldCount = header.layout.nodeFieldCount;
  const nodesLength = header.nodeCount * nodeFieldCount;
  for (let i = objectAt; i < locations.length; i += stride) {
    const index = locations[i]!;
    if (index >= 0 && index < nodesLength && index % nodeFieldCount === 0) continue;
    const why = index < 0 || index >= nodesLength ? `outside the nodes (${header.nodeCount} nodes: the last one's fields start at ${nodesLength - nodeFieldCount})` : `not a multiple of the ${nodeFieldCount} node fields`;
    fail(`location #${(i - objectAt) / stride} has object_index ${index}, ${why}`, 'locations', i);
  }
}
