import { nodeLabel } from '../analysis/retainer-path.js';
import type { HeapGraph } from '../graph/heap-graph.js';
import { locationOf } from '../graph/locations.js';
import { scriptFileName, scriptUrlOf } from '../graph/function-script.js';
import { namedEdgeTarget } from '../graph/named-edge.js';

/**
 * How a waiting frame reads at the start of a path: `async testCase() test.mjs:12` for a
 * suspended async function (its locals follow: `parameters_and_registers`, or `context` for
 * those a closure shares), `app.mjs (top level)` for a module under top-level `await`,
 * `onDone (callback) app.mjs:40` for a `.then` callback. Where: the function's script and
 * line as V8 compiled them (a transpiled file's own lines), or as `original` maps them back.
 */
export function frameLabel(graph: HeapGraph, frame: number, original?: PositionMap): string {
  if (graph.nodeType(frame) === 'closure') return `${functionName(graph, frame)} (callback)${where(definedAt(graph, frame), original)}`;
  const fn = suspendedFunction(graph, frame);
  if (fn < 0) return nodeLabel(graph, frame);
  const at = definedAt(graph, fn);
  return isModuleBody(graph, fn, at) ? `${at!.file} (top level)` : `async ${functionName(graph, fn)}()${where(at, original)}`;
}

/**
 * Maps a position in code this process ran (zero-based line and column, in the script at
 * `url`) to its original source, when a source map says where: undefined leaves it as it is.
 */
export type PositionMap = (url: string, line: number, column: number) => { readonly source: string; readonly line: number; readonly column: number } | undefined;

/**
 * `app.mjs (top level)` when `node` is the suspended top level of a module (an ES module at a
 * top-level `await`: its generator object), else undefined. A path through it reads from there.
 */
export function moduleTopLevelLabel(graph: HeapGraph, node: number): string | undefined {
  const fn = suspendedFunction(graph, node);
  if (fn < 0) return undefined;
  const at = definedAt(graph, fn);
  return isModuleBody(graph, fn, at) ? `${at!.file} (top level)` : undefined;
}

/**
 * `http-cache.js:21` for a closure the program defines (a script of its own, not Node's
 * `node:` modules), else undefined: a path through it reads from there, its variables being
 * the program's (`request (Function http-cache.js:21) → context → profileCache (Map) → …`).
 */
export function programClosureAt(graph: HeapGraph, node: number): string | undefined {
  if (graph.nodeType(node) !== 'closure') return undefined;
  const at = definedAt(graph, node);
  if (!at || at.url.startsWith('node:') || !at.file) return undefined;
  return at.line < 0 ? at.file : `${at.file}:${at.line + 1}`;
}

/**
 * `async runJobs() worker.js:30` for the suspended frame of an async function (or generator)
 * the program defines, else undefined: a path through it reads from there, its locals being
 * the program's (`async runJobs() worker.js:30 → parameters_and_registers → 1 (Array) → …`).
 */
export function programFrameLabel(graph: HeapGraph, node: number): string | undefined {
  const fn = suspendedFunction(graph, node);
  if (fn < 0) return undefined;
  const at = definedAt(graph, fn);
  return at && !at.url.startsWith('node:') && at.file ? frameLabel(graph, node) : undefined;
}

/** The function a suspended async function's (or generator's) object runs, or -1 for any other node. */
function suspendedFunction(graph: HeapGraph, frame: number): number {
  if (graph.nodeType(frame) === 'closure') return -1;
  const fn = namedEdgeTarget(graph, frame, graph.strings.indexOf('function'));
  if (fn < 0 || graph.nodeType(fn) !== 'closure') return -1;
  return namedEdgeTarget(graph, frame, graph.strings.indexOf('parameters_and_registers')) >= 0 ? fn : -1;
}

/** A module's body: a nameless function at the very start of its file. */
const isModuleBody = (graph: HeapGraph, fn: number, at: Definition | undefined): boolean =>
  at !== undefined && !graph.nodeName(fn) && at.line === 0 && at.column === 0;

const functionName = (graph: HeapGraph, closure: number): string => graph.nodeName(closure) || '(anonymous)';

const where = (at: Definition | undefined, original?: PositionMap): string => {
  if (!at) return '';
  if (at.line < 0) return ` ${at.file}`;
  const line = original?.(at.url, at.line, at.column)?.line ?? at.line;
  return ` ${at.file}:${line + 1}`;
};

interface Definition {
  readonly file: string;
  readonly url: string;
  /** Zero-based, -1 when unknown. */
  readonly line: number;
  readonly column: number;
}

/** A closure's script file name and position (V8's `locations`), if the snapshot has them. */
function definedAt(graph: HeapGraph, closure: number): Definition | undefined {
  const url = scriptUrlOf(graph, closure);
  if (!url) return undefined;
  const at = locationOf(graph, closure);
  return { file: scriptFileName(url), url, line: at?.line ?? -1, column: at?.column ?? -1 };
}
