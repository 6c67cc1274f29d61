import type { HeapGraph } from './heap-graph.js';

/** Where V8 says a function (or an object's constructor) is defined: script id, zero-based line and column. */
export interface RawLocation {
  readonly scriptId: number;
  /** Zero-based; -1 when V8 does not know it (code compiled in a vm context, on Node 24). */
  readonly line: number;
  readonly column: number;
}

/**
 * Calls `visit(node, scriptId, line, column)` for each entry of the snapshot's `locations`, its
 * fields found by name in `meta.location_fields` (Chrome adds `script_object_index`).
 *
 * @example forEachLocation(graph, (node, scriptId, line) => console.log(graph.nodeName(node), scriptId, line))
 */
export function forEachLocation(graph: HeapGraph, visit: (node: number, scriptId: number, line: number, column: number) => void): void {
  const fields = graph.layout.locationFields;
  const stride = fields.length;
  const [objectAt, scriptAt, lineAt, columnAt] = ['object_index', 'script_id', 'line', 'column'].map((f) => fields.indexOf(f));
  if (stride === 0 || objectAt! < 0 || scriptAt! < 0 || lineAt! < 0 || columnAt! < 0) return;
  const raw = graph.locations;
  // (`object_index` is a node index of the file's layout.)
  const nodeFields = graph.header.layout.nodeFieldCount;
  for (let i = 0; i + stride <= raw.length; i += stride) {
    visit(raw[i + objectAt!]! / nodeFields, raw[i + scriptAt!]!, raw[i + lineAt!]!, raw[i + columnAt!]!);
  }
}

/** The location of `node`, or undefined when the snapshot has none for it (a linear scan). */
export function locationOf(graph: HeapGraph, node: number): RawLocation | undefined {
  let found: RawLocation | undefined;
  forEachLocation(graph, (n, scriptId, line, column) => {
    if (n === node) found = { scriptId, line, column };
  });
  return found;
}
