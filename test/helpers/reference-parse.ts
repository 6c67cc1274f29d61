/**
 * What a correct parse of a heap snapshot must produce, by the obvious method: JSON.parse and
 * checks. The oracle for the mutation tests and the parser fuzz: whatever heapdiff accepts, this
 * must accept too, with the same values.
 */
export interface Reference {
  nodes: number[];
  /** The edges as in the file, with `to_node` turned into a node ordinal (compare with `edgeRecords(graph)`). */
  edges: number[];
  strings: string[];
  locations: number[];
  samples: number[];
  traceFunctionInfos: number[];
  /** The trace tree flattened in preorder, as `TraceTree` holds it; undefined without one. */
  traceTree: ReferenceTraceTree | undefined;
}

export interface ReferenceTraceTree {
  ids: number[];
  functionInfoIndexes: number[];
  counts: number[];
  sizes: number[];
  parents: number[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (value: Json | undefined): value is { [key: string]: Json } => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringList = (value: Json | undefined): value is string[] => Array.isArray(value) && value.every((s) => typeof s === 'string');
const isCount = (value: Json | undefined): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isUint32List = (value: Json | undefined): value is number[] => Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 32);
const isIntegerList = (value: Json | undefined): value is number[] => Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isSafeInteger(v));

/**
 * The snapshot `text` holds (a UTF-8 byte order mark before it is allowed), or undefined when
 * it is not a well-formed V8 heap snapshot: not JSON, or its parts disagree.
 */
export function referenceParse(text: string): Reference | undefined {
  let json: Json;
  try {
    json = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text) as Json;
  } catch {
    return undefined;
  }
  if (!isObject(json) || !isObject(json['snapshot'])) return undefined;
  const header = json['snapshot'];
  const meta = header['meta'];
  if (!isObject(meta)) return undefined;
  const nodeFields = meta['node_fields'];
  const edgeFields = meta['edge_fields'];
  if (!isStringList(nodeFields) || !isStringList(edgeFields)) return undefined;
  const at = (fields: string[], name: string) => fields.indexOf(name);
  const [typeAt, nameAt, , , edgeCountAt] = ['type', 'name', 'id', 'self_size', 'edge_count'].map((name) => at(nodeFields, name)) as [number, number, number, number, number];
  const [edgeTypeAt, edgeNameAt, toAt] = ['type', 'name_or_index', 'to_node'].map((name) => at(edgeFields, name)) as [number, number, number];
  if (['type', 'name', 'id', 'self_size', 'edge_count'].some((name) => at(nodeFields, name) < 0)) return undefined;
  if ([edgeTypeAt, edgeNameAt, toAt].some((i) => i < 0)) return undefined;
  const nodeTypesMeta = meta['node_types'];
  const edgeTypesMeta = meta['edge_types'];
  if (!Array.isArray(nodeTypesMeta) || !Array.isArray(edgeTypesMeta)) return undefined;
  const nodeTypes = nodeTypesMeta[typeAt];
  const edgeTypes = edgeTypesMeta[edgeTypeAt];
  if (!isStringList(nodeTypes) || !isStringList(edgeTypes)) return undefined;
  const nodeCount = header['node_count'];
  const edgeCount = header['edge_count'];
  if (!isCount(nodeCount) || !isCount(edgeCount)) return undefined;

  const { nodes, edges, strings } = json;
  if (!isUint32List(nodes) || !isUint32List(edges) || !isStringList(strings)) return undefined;
  const nf = nodeFields.length;
  const ef = edgeFields.length;
  if (nodes.length !== nodeCount * nf || edges.length !== edgeCount * ef) return undefined;
  let total = 0;
  for (let i = 0; i < nodes.length; i += nf) {
    if (nodes[i + typeAt]! >= nodeTypes.length || nodes[i + nameAt]! >= strings.length) return undefined;
    total += nodes[i + edgeCountAt]!;
  }
  if (total !== edgeCount) return undefined;
  const converted = [...edges];
  for (let i = 0; i < edges.length; i += ef) {
    const type = edgeTypes[edges[i + edgeTypeAt]!];
    const to = edges[i + toAt]!;
    if (type === undefined || to % nf !== 0 || to >= nodes.length) return undefined;
    if (type !== 'element' && type !== 'hidden' && edges[i + edgeNameAt]! >= strings.length) return undefined;
    converted[i + toAt] = to / nf;
  }

  const root = json;
  const optional = (key: string, check: (value: Json | undefined) => value is number[]): number[] | undefined => {
    const value = root[key];
    if (value === undefined) return [];
    return check(value) ? value : undefined;
  };
  const locations = optional('locations', isIntegerList);
  const samples = optional('samples', isIntegerList);
  const traceFunctionInfos = optional('trace_function_infos', isUint32List);
  if (!locations || !samples || !traceFunctionInfos) return undefined;
  let traceTree: ReferenceTraceTree | undefined;
  if (json['trace_tree'] !== undefined) {
    const fields = meta['trace_node_fields'] ?? [];
    if (!isStringList(fields)) return undefined;
    traceTree = flattenTraceTree(json['trace_tree'], fields);
    if (!traceTree) return undefined;
  }
  return { nodes, edges: converted, strings, locations, samples, traceFunctionInfos, traceTree };
}

/** `[id, fn, count, size, [children…], …]` in preorder, each trace node with its parent's position. */
function flattenTraceTree(tree: Json, fields: string[]): ReferenceTraceTree | undefined {
  const width = fields.length;
  const childrenAt = fields.indexOf('children');
  const idAt = fields.indexOf('id');
  const fnAt = fields.indexOf('function_info_index');
  const countAt = fields.indexOf('count');
  const sizeAt = fields.indexOf('size');
  if (!Array.isArray(tree) || childrenAt < 0 || idAt < 0 || fnAt < 0) return undefined;
  const out: ReferenceTraceTree = { ids: [], functionInfoIndexes: [], counts: [], sizes: [], parents: [] };
  const stack: { list: Json[]; at: number; parent: number }[] = [{ list: tree, at: 0, parent: -1 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.at === top.list.length) {
      stack.pop();
      continue;
    }
    const record = top.list.slice(top.at, top.at + width);
    top.at += width;
    if (record.length !== width) return undefined;
    for (let f = 0; f < width; f++) {
      const value = record[f];
      if (f === childrenAt ? !Array.isArray(value) : !(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) return undefined;
    }
    const field = (f: number) => (f < 0 ? 0 : (record[f] as number));
    if (field(idAt) >= 2 ** 32 || field(fnAt) >= 2 ** 32) return undefined;
    const index = out.ids.length;
    out.ids.push(field(idAt));
    out.functionInfoIndexes.push(field(fnAt));
    out.counts.push(field(countAt));
    out.sizes.push(field(sizeAt));
    out.parents.push(top.parent);
    stack.push({ list: record[childrenAt] as Json[], at: 0, parent: index });
  }
  return out;
}
