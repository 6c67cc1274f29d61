import type { HeapGraph } from './heap-graph.js';
import { namedEdgeTarget } from './named-edge.js';

/**
 * The URL of the script a closure's code comes from (`file:///app/server.js`,
 * `node:internal/timers`), or '' when the snapshot does not say: `shared` → `script` (named
 * `script_or_debug_info` before V8 12, Node 22) → the script, named by its URL.
 *
 * @example scriptUrlOf(graph, closure) // 'file:///app/server.js'
 */
export function scriptUrlOf(graph: HeapGraph, closure: number): string {
  const shared = namedEdgeTarget(graph, closure, graph.strings.indexOf('shared'));
  if (shared < 0) return '';
  let script = namedEdgeTarget(graph, shared, graph.strings.indexOf('script'));
  if (script < 0) script = namedEdgeTarget(graph, shared, graph.strings.indexOf('script_or_debug_info'));
  const url = script < 0 ? '' : graph.nodeName(script);
  return url.startsWith('system / ') ? '' : url;
}

/** How a script reads in a report: its URL's last path segment (at most 80 characters), `(data: URL)` for a data URL. */
export function scriptFileName(url: string): string {
  return url.startsWith('data:') ? '(data: URL)' : url.slice(url.lastIndexOf('/') + 1).slice(0, 80);
}
