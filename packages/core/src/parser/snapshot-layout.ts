import { SnapshotFormatError, SnapshotTooLargeError, type InputLocation } from '../errors.js';

/**
 * Where every field sits in the flat arrays of one snapshot, read from its `meta` by name.
 * Nothing in heapdiff hard-codes a field position: V8 has added and removed fields over time
 * (`trace_node_id` is gone since Node 24 unless allocation tracking is on; `detachedness`
 * arrived in Node 16), and `node_types` may list more entries than `node_fields` has.
 */
export interface SnapshotLayout {
  readonly nodeFields: readonly string[];
  readonly nodeFieldCount: number;
  readonly nodeTypeOffset: number;
  readonly nodeNameOffset: number;
  readonly nodeIdOffset: number;
  readonly nodeSelfSizeOffset: number;
  readonly nodeEdgeCountOffset: number;
  /** -1 when the snapshot has no `trace_node_id` field. */
  readonly nodeTraceNodeIdOffset: number;
  /** -1 when the snapshot has no `detachedness` field. */
  readonly nodeDetachednessOffset: number;
  /** The names of the node types: `hidden`, `array`, `string`, `object`, … */
  readonly nodeTypes: readonly string[];

  readonly edgeFields: readonly string[];
  readonly edgeFieldCount: number;
  readonly edgeTypeOffset: number;
  readonly edgeNameOffset: number;
  readonly edgeToNodeOffset: number;
  /** The names of the edge types: `context`, `element`, `property`, `internal`, … */
  readonly edgeTypes: readonly string[];

  readonly locationFields: readonly string[];
  readonly traceFunctionInfoFields: readonly string[];
  readonly traceNodeFields: readonly string[];
  readonly sampleFields: readonly string[];
}

/** The `snapshot` object at the head of a `.heapsnapshot` file, validated. */
export interface SnapshotHeader {
  readonly layout: SnapshotLayout;
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly traceFunctionCount: number;
  /** Node index (not ordinal) of the root; 0 unless the header says otherwise. */
  readonly rootIndex: number;
  /** Native bytes V8 could not attribute to nodes (Node 24+), 0 when absent. */
  readonly extraNativeBytes: number;
  /** The raw header object, for fields heapdiff does not interpret (`title`, `uid`, …). */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** Typed arrays cannot hold more elements than this; larger sections are refused up front. */
export const MAX_ARRAY_ELEMENTS = 2 ** 32 - 1;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown, what: string, where: InputLocation): string[] {
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) {
    throw new SnapshotFormatError(`snapshot.meta.${what} must be an array of strings`, where);
  }
  return value as string[];
}

/** A record's field names: strings, each once (a loaded graph keeps some fields apart, by name). */
function fieldList(value: unknown, what: string, where: InputLocation): string[] {
  const fields = stringList(value, what, where);
  const twice = fields.find((field, i) => fields.indexOf(field) !== i);
  if (twice !== undefined) throw new SnapshotFormatError(`snapshot.meta.${what} lists "${twice}" twice; V8 names each field once`, where);
  return fields;
}

function optionalStringList(value: unknown, what: string, where: InputLocation): string[] {
  return value === undefined ? [] : stringList(value, what, where);
}

function fieldOffset(fields: readonly string[], name: string, list: string, where: InputLocation): number {
  const offset = fields.indexOf(name);
  if (offset < 0) {
    throw new SnapshotFormatError(
      `snapshot.meta.${list} has no "${name}" field; this does not look like a V8 heap snapshot`,
      where,
    );
  }
  return offset;
}

function count(value: unknown, name: string, where: InputLocation, optional = false): number {
  if (value === undefined && optional) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new SnapshotFormatError(`snapshot.${name} must be a non-negative integer, got ${JSON.stringify(value)}`, where);
  }
  return value;
}

/**
 * Validates the parsed `snapshot` object and derives the field layout from its `meta`.
 * `where.offset` should point at the start of the header in the input.
 */
export function readSnapshotHeader(raw: unknown, where: InputLocation): SnapshotHeader {
  if (!isObject(raw)) throw new SnapshotFormatError('"snapshot" must be an object', where);
  const meta = raw['meta'];
  if (!isObject(meta)) throw new SnapshotFormatError('the snapshot header has no "meta" object', where);

  const nodeFields = fieldList(meta['node_fields'], 'node_fields', where);
  const edgeFields = fieldList(meta['edge_fields'], 'edge_fields', where);
  const nodeTypeOffset = fieldOffset(nodeFields, 'type', 'node_fields', where);
  const edgeTypeOffset = fieldOffset(edgeFields, 'type', 'edge_fields', where);

  const nodeTypesMeta = meta['node_types'];
  if (!Array.isArray(nodeTypesMeta)) throw new SnapshotFormatError('snapshot.meta.node_types must be an array', where);
  const nodeTypes = stringList(nodeTypesMeta[nodeTypeOffset], 'node_types[type]', where);
  const edgeTypesMeta = meta['edge_types'];
  if (!Array.isArray(edgeTypesMeta)) throw new SnapshotFormatError('snapshot.meta.edge_types must be an array', where);
  const edgeTypes = stringList(edgeTypesMeta[edgeTypeOffset], 'edge_types[type]', where);

  const layout: SnapshotLayout = {
    nodeFields,
    nodeFieldCount: nodeFields.length,
    nodeTypeOffset,
    nodeNameOffset: fieldOffset(nodeFields, 'name', 'node_fields', where),
    nodeIdOffset: fieldOffset(nodeFields, 'id', 'node_fields', where),
    nodeSelfSizeOffset: fieldOffset(nodeFields, 'self_size', 'node_fields', where),
    nodeEdgeCountOffset: fieldOffset(nodeFields, 'edge_count', 'node_fields', where),
    nodeTraceNodeIdOffset: nodeFields.indexOf('trace_node_id'),
    nodeDetachednessOffset: nodeFields.indexOf('detachedness'),
    nodeTypes,
    edgeFields,
    edgeFieldCount: edgeFields.length,
    edgeTypeOffset,
    edgeNameOffset: fieldOffset(edgeFields, 'name_or_index', 'edge_fields', where),
    edgeToNodeOffset: fieldOffset(edgeFields, 'to_node', 'edge_fields', where),
    edgeTypes,
    locationFields: optionalStringList(meta['location_fields'], 'location_fields', where),
    traceFunctionInfoFields: optionalStringList(meta['trace_function_info_fields'], 'trace_function_info_fields', where),
    traceNodeFields: optionalStringList(meta['trace_node_fields'], 'trace_node_fields', where),
    sampleFields: optionalStringList(meta['sample_fields'], 'sample_fields', where),
  };

  const nodeCount = count(raw['node_count'], 'node_count', where);
  const edgeCount = count(raw['edge_count'], 'edge_count', where);
  const traceFunctionCount = count(raw['trace_function_count'], 'trace_function_count', where, true);
  const rootIndex = count(raw['root_index'], 'root_index', where, true);
  const extraNativeBytes = count(raw['extra_native_bytes'], 'extra_native_bytes', where, true);

  if (nodeCount * layout.nodeFieldCount > MAX_ARRAY_ELEMENTS) {
    throw new SnapshotTooLargeError(
      `the header declares ${nodeCount} nodes (${nodeCount * layout.nodeFieldCount} values), more than heapdiff can hold (${MAX_ARRAY_ELEMENTS} values)`,
      where,
    );
  }
  if (edgeCount * layout.edgeFieldCount > MAX_ARRAY_ELEMENTS) {
    throw new SnapshotTooLargeError(
      `the header declares ${edgeCount} edges (${edgeCount * layout.edgeFieldCount} values), more than heapdiff can hold (${MAX_ARRAY_ELEMENTS} values)`,
      where,
    );
  }
  const traceFunctionValues = traceFunctionCount * layout.traceFunctionInfoFields.length;
  if (traceFunctionValues > MAX_ARRAY_ELEMENTS) {
    throw new SnapshotTooLargeError(
      `the header declares ${traceFunctionCount} trace functions (${traceFunctionValues} values), more than heapdiff can hold (${MAX_ARRAY_ELEMENTS} values)`,
      where,
    );
  }
  if (nodeCount === 0) {
    // V8 always writes its root: a snapshot without nodes has nothing to analyse.
    throw new SnapshotFormatError('the header declares 0 nodes: a heap snapshot has at least its root node; the file was not written by V8, or its header is wrong', where);
  }
  if (nodeCount > 0 && (rootIndex % layout.nodeFieldCount !== 0 || rootIndex / layout.nodeFieldCount >= nodeCount)) {
    throw new SnapshotFormatError(`snapshot.root_index ${rootIndex} does not point at a node`, where);
  }
  return { layout, nodeCount, edgeCount, traceFunctionCount, rootIndex, extraNativeBytes, raw };
}
