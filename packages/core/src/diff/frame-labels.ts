import { nodeLabel } from '../analysis/retainer-path.js';
import type { HeapGraph } from '../graph/heap-graph.js';
import { locationOf } from '../graph/locations.js';
import { namedEdgeTarget } from '../graph/named-edge.js';

/**
 * How a waiting frame reads at the start of a path: `async testCase() test.mjs:12` for a
 * suspended async function (its locals follow: `parameters_and_registers`, or `context` for
 * those a closure shares), `app.mjs (top level)` for a module under top-level `await`,
 * `onDone (callback) app.mjs:40` for a `.then` callback. Where: the function's script and
 * line as V8 compiled them (a transpiled file's own lines).
 */
export function frameLabel(graph: HeapGraph, frame: number): string {
  if (graph.nodeType(frame) === 'closure') return `${functionName(graph, frame)} (callback)${where(definedAt(graph, frame))}`;
  const fn = namedEdgeTarget(graph, frame, graph.strings.indexOf('function'));
  if (fn >= 0 && graph.nodeType(fn) === 'closure' && namedEdgeTarget(graph, frame, graph.strings.indexOf('parameters_and_registers')) >= 0) {
    const at = definedAt(graph, fn);
    // A module's body: a nameless function at the very start of its file.
    if (at && !graph.nodeName(fn) && at.line === 0 && at.column === 0) return `${at.file} (top level)`;
    return `async ${functionName(graph, fn)}()${where(at)}`;
  }
  return nodeLabel(graph, frame);
}

const functionName = (graph: HeapGraph, closure: number): string => graph.nodeName(closure) || '(anonymous)';

const where = (at: Definition | undefined): string => (!at ? '' : at.line < 0 ? ` ${at.file}` : ` ${at.file}:${at.line + 1}`);

interface Definition {
  readonly file: string;
  /** Zero-based, -1 when unknown. */
  readonly line: number;
  readonly column: number;
}

/** A closure's script file name and position (V8's `locations`), if the snapshot has them. */
function definedAt(graph: HeapGraph, closure: number): Definition | undefined {
  const shared = namedEdgeTarget(graph, closure, graph.strings.indexOf('shared'));
  // Named `script` from V8 12 (Node 22), `script_or_debug_info` before.
  let script = shared < 0 ? -1 : namedEdgeTarget(graph, shared, graph.strings.indexOf('script'));
  if (script < 0 && shared >= 0) script = namedEdgeTarget(graph, shared, graph.strings.indexOf('script_or_debug_info'));
  const url = script < 0 ? '' : graph.nodeName(script);
  if (!url || url.startsWith('system / ')) return undefined;
  const file = url.startsWith('data:') ? '(data: URL)' : url.slice(url.lastIndexOf('/') + 1).slice(0, 80);
  const at = locationOf(graph, closure);
  if (at) return { file, line: at.line, column: at.column };
  return { file, line: -1, column: -1 };
}

/**
 * `app.mjs (top level)` when `node` is the suspended top level of a module (an ES module at a
 * top-level `await`: its generator object), else undefined. A path through it reads from there.
 */
export function moduleTopLevelLabel(graph: HeapGraph, node: number): string | undefined {
  if (graph.nodeType(node) === 'closure') return undefined;
  const label = frameLabel(graph, node);
  return label.endsWith(' (top level)') ? label : undefined;
}
