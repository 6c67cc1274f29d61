import { classKeys } from '../graph/class-keys.js';
import type { HeapGraph } from '../graph/heap-graph.js';

/** One frame of an allocation stack. Lines and columns are 1-based; 0 when V8 did not know. */
export interface AllocationFrame {
  readonly functionName: string;
  readonly scriptName: string;
  readonly line: number;
  readonly column: number;
}

/** One allocation stack and how many objects it allocated. */
export interface AllocationStack {
  readonly count: number;
  /** Innermost frame first. */
  readonly frames: readonly AllocationFrame[];
}

/**
 * Where objects were allocated, for snapshots taken while V8 tracked allocations (their
 * `trace_tree` and `trace_function_infos`): per class of `nodes` (its key in `classKeys`), its
 * most frequent stacks, at most `top` of them (trace nodes that read alike counted as one
 * stack). Objects allocated before tracking started have no stack and are not counted. Each frame is the function running when the object was allocated (its own start
 * line, as DevTools shows it).
 *
 * @example
 * const stacks = topAllocationStacks(graph, newObjects)   // Map: class key → stacks
 * stacks.get(classKeys(graph).names.indexOf('Session'))?.[0]?.frames[0]?.functionName
 */
export function topAllocationStacks(graph: HeapGraph, nodes: Iterable<number>, top = 3): Map<number, AllocationStack[]> {
  const { keyOf } = classKeys(graph);
  const perClass = new Map<number, Map<number, number>>();
  for (const n of nodes) {
    const traceNode = graph.traceNodeId(n);
    if (traceNode === 0) continue;
    const c = keyOf[n]!;
    const byTrace = perClass.get(c) ?? new Map<number, number>();
    byTrace.set(traceNode, (byTrace.get(traceNode) ?? 0) + 1);
    perClass.set(c, byTrace);
  }
  const stackOf = allocationStackReader(graph);
  const result = new Map<number, AllocationStack[]>();
  for (const [c, byTrace] of perClass) result.set(c, commonestStacks(byTrace, stackOf, top));
  return result;
}

/**
 * Where `nodes` were allocated, whatever their classes: their most frequent stacks, at most
 * `top`. `stackOf`: pass one reader (`allocationStackReader`) to many calls on one graph.
 *
 * @example
 * const stackOf = allocationStackReader(graph)
 * groups.map((nodes) => allocationStacksOf(graph, nodes, 3, stackOf))
 */
export function allocationStacksOf(graph: HeapGraph, nodes: Iterable<number>, top = 3, stackOf = allocationStackReader(graph)): AllocationStack[] {
  const byTrace = new Map<number, number>();
  for (const n of nodes) {
    const traceNode = graph.traceNodeId(n);
    if (traceNode !== 0) byTrace.set(traceNode, (byTrace.get(traceNode) ?? 0) + 1);
  }
  return commonestStacks(byTrace, stackOf, top);
}

/**
 * The `top` commonest stacks of objects counted by trace node id, one entry per stack: two trace
 * nodes can read alike (the same frames), and are counted together.
 */
function commonestStacks(byTrace: ReadonlyMap<number, number>, stackOf: (traceNodeId: number) => AllocationFrame[], top: number): AllocationStack[] {
  const byFrames = new Map<string, { count: number; frames: AllocationFrame[] }>();
  for (const [traceNode, count] of byTrace) {
    const frames = stackOf(traceNode);
    const key = JSON.stringify(frames);
    const same = byFrames.get(key);
    if (same) same.count += count;
    else byFrames.set(key, { count, frames });
  }
  return [...byFrames.values()].sort((a, b) => b.count - a.count).slice(0, top);
}

/**
 * A reader of allocation stacks by trace node id (a node's `traceNodeId`): innermost frame
 * first, empty for 0 or an unknown id. Make one reader and use it for many nodes.
 *
 * @example
 * const stackOf = allocationStackReader(graph)
 * stackOf(graph.traceNodeId(node))[0]?.functionName // 'handle'
 */
export function allocationStackReader(graph: HeapGraph): (traceNodeId: number) => AllocationFrame[] {
  const tree = graph.traceTree;
  const fields = graph.layout.traceFunctionInfoFields;
  const at = (name: string) => fields.indexOf(name);
  const [nameAt, scriptAt, lineAt, columnAt] = [at('name'), at('script_name'), at('line'), at('column')];
  const position = new Map<number, number>();
  for (let t = 0; tree && t < tree.count; t++) position.set(tree.ids[t]!, t);
  const functions = fields.length === 0 ? 0 : graph.traceFunctionInfos.length / fields.length;
  const frame = (t: number): AllocationFrame => {
    const fn = tree!.functionInfoIndexes[t]!;
    // A function V8 added while it wrote the snapshot, after its list of functions.
    if (fn >= functions) return { functionName: '(unknown)', scriptName: '', line: 0, column: 0 };
    const info = fn * fields.length;
    const text = (i: number) => (i >= 0 ? graph.strings.get(graph.traceFunctionInfos[info + i]!) : '');
    // V8 writes line and column plus one, 0 when unknown: so they are 1-based here.
    return {
      functionName: text(nameAt) || '(anonymous)',
      scriptName: text(scriptAt),
      line: lineAt >= 0 ? graph.traceFunctionInfos[info + lineAt]! : 0,
      column: columnAt >= 0 ? graph.traceFunctionInfos[info + columnAt]! : 0,
    };
  };
  return (traceNodeId) => {
    const frames: AllocationFrame[] = [];
    if (traceNodeId === 0) return frames;
    // The tree's root is V8's own (no function): not a frame.
    for (let t = position.get(traceNodeId) ?? -1; t >= 0 && tree!.parents[t]! >= 0; t = tree!.parents[t]!) frames.push(frame(t));
    return frames;
  };
}
