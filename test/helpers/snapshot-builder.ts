/**
 * Writes small heap snapshots by hand, in the exact text format V8 uses, for tests that need
 * graphs whose every number is known. Node and edge types are given by name.
 */
export interface BuilderNode {
  type: string;
  name: string;
  id: number;
  selfSize: number;
  edges?: BuilderEdge[];
}

export interface BuilderEdge {
  type: string;
  /** A property name, or an element index for `element` / `hidden` edges. */
  name: string | number;
  /** Position of the target in the nodes list. */
  to: number;
}

export const NODE_TYPES = [
  'hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic',
  'concatenated string', 'sliced string', 'symbol', 'bigint', 'object shape',
];
export const EDGE_TYPES = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'];

export function buildSnapshotText(nodes: BuilderNode[], options: { extraStrings?: string[] } = {}): string {
  const strings: string[] = [''];
  const indexOf = new Map<string, number>([['', 0]]);
  const intern = (s: string): number => {
    let i = indexOf.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      indexOf.set(s, i);
    }
    return i;
  };
  const nodeValues: number[] = [];
  const edgeValues: number[] = [];
  for (const node of nodes) {
    const edges = node.edges ?? [];
    nodeValues.push(NODE_TYPES.indexOf(node.type), intern(node.name), node.id, node.selfSize, edges.length, 0);
    for (const edge of edges) {
      const nameOrIndex =
        edge.type === 'element' || edge.type === 'hidden' ? Number(edge.name) : intern(String(edge.name));
      edgeValues.push(EDGE_TYPES.indexOf(edge.type), nameOrIndex, edge.to * 6);
    }
  }
  for (const s of options.extraStrings ?? []) intern(s);
  const meta = {
    node_fields: ['type', 'name', 'id', 'self_size', 'edge_count', 'detachedness'],
    node_types: [NODE_TYPES, 'string', 'number', 'number', 'number', 'number'],
    edge_fields: ['type', 'name_or_index', 'to_node'],
    edge_types: [EDGE_TYPES, 'string_or_number', 'node'],
    trace_function_info_fields: ['function_id', 'name', 'script_name', 'script_id', 'line', 'column'],
    trace_node_fields: ['id', 'function_info_index', 'count', 'size', 'children'],
    sample_fields: ['timestamp_us', 'last_assigned_id'],
    location_fields: ['object_index', 'script_id', 'line', 'column'],
  };
  const header = { meta, node_count: nodes.length, edge_count: edgeValues.length / 3, trace_function_count: 0, extra_native_bytes: 0 };
  return (
    `{"snapshot":${JSON.stringify(header)},\n` +
    `"nodes":[${nodeValues.join(',')}],\n` +
    `"edges":[${edgeValues.join(',')}],\n` +
    `"trace_function_infos":[],\n"trace_tree":[],\n"samples":[],\n"locations":[],\n` +
    `"strings":[${strings.map((s) => JSON.stringify(s)).join(',\n')}]}\n`
  );
}

/** A small graph: root → (GC roots) → global → two Foo objects, one holding a string. */
export function tinySnapshotNodes(): BuilderNode[] {
  return [
    { type: 'synthetic', name: '', id: 1, selfSize: 0, edges: [{ type: 'shortcut', name: 1, to: 2 }, { type: 'element', name: 1, to: 1 }] },
    { type: 'synthetic', name: '(GC roots)', id: 3, selfSize: 0, edges: [{ type: 'element', name: 1, to: 2 }] },
    { type: 'object', name: 'global', id: 5, selfSize: 40, edges: [{ type: 'property', name: 'a', to: 3 }, { type: 'property', name: 'b', to: 4 }] },
    { type: 'object', name: 'Foo', id: 7, selfSize: 24, edges: [{ type: 'property', name: 'text', to: 5 }] },
    { type: 'object', name: 'Foo', id: 9, selfSize: 24, edges: [{ type: 'weak', name: 'peer', to: 3 }] },
    { type: 'string', name: 'café 😀 "q"', id: 11, selfSize: 32 },
    { type: 'closure', name: 'handler', id: 13, selfSize: 32 },
    { type: 'native', name: '<div id="x" class="y">', id: 14, selfSize: 100 },
    { type: 'hidden', name: 'system / Context', id: 15, selfSize: 0 },
  ];
}

/** A medium hand-made snapshot: a chain of objects with strings, elements and weak edges. */
export function mediumSnapshot(): string {
  const nodes: BuilderNode[] = tinySnapshotNodes();
  for (let i = 0; i < 150; i++) {
    const at = nodes.length;
    nodes.push({
      type: i % 3 ? 'object' : 'array',
      name: i % 5 ? `Thing${i % 7}` : 'ünïcødé \\ "x"',
      id: 101 + 2 * i,
      selfSize: 16 + i,
      edges: [
        { type: 'property', name: `p${i % 4}`, to: Math.max(2, at - 1) },
        { type: 'element', name: i, to: 3 },
        { type: i % 2 ? 'weak' : 'internal', name: 'w', to: at },
      ],
    });
  }
  return buildSnapshotText(nodes);
}
