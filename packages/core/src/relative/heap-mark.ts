import { analyzeGraph } from '../analysis/analyze-graph.js';
import { dominatorTree } from '../analysis/dominators.js';
import { formatRetainerPath, retainerPath } from '../analysis/retainer-path.js';
import { shallowSizes } from '../analysis/shallow-sizes.js';
import { PreparedSnapshot } from '../capture/prepared-snapshot.js';
import { post } from '../capture/inspector-session.js';
import { takeSnapshot, type CaptureOptions } from '../capture/take-snapshot.js';
import type { HeapGraph } from '../graph/heap-graph.js';

/** One class of objects allocated since a mark and still alive. */
export interface RelativeHeapGroup {
  readonly className: string;
  /** New objects of the class alive now. */
  readonly count: number;
  /** Their shallow sizes, in bytes. */
  readonly selfSize: number;
  /** Bytes freed if they all were: the members no other member dominates, their retained sizes. */
  readonly retainedSize: number;
  /** Members whose immediate dominator is not new: where the new memory hangs on the old. */
  readonly leakRoots: number;
  /** The shortest retainer path of the member that retains most. */
  readonly retainerPath: string;
  /** With allocation tracking: where the members were allocated, most frequent stacks first. */
  readonly allocationStacks?: readonly AllocationStack[];
}

/** One allocation stack and how many objects of a group it allocated. */
export interface AllocationStack {
  readonly count: number;
  /** Innermost frame first. */
  readonly frames: readonly { readonly functionName: string; readonly scriptName: string; readonly line: number; readonly column: number }[];
}

/** What was allocated since a mark and is still alive, grouped by class, biggest first. */
export interface RelativeHeap {
  /** The highest object id at the mark: newer objects have higher (odd) ids. */
  readonly baselineId: number;
  readonly count: number;
  readonly selfSize: number;
  readonly groups: readonly RelativeHeapGroup[];
}

/** Node types that are the engine's own bookkeeping, not what a program allocates. */
const ENGINE_TYPES = new Set(['hidden', 'code', 'object shape', 'synthetic', 'array']);

/**
 * The objects of `graph` newer than `baselineId` (V8 gives JavaScript objects odd ids in
 * allocation order once every older object has one), grouped by class. Counted are the
 * program's objects: not the engine's bookkeeping (compiled code, shapes, `(system)` and
 * `(array)` parts — their sizes still count in their owners' retained sizes), not new objects
 * that only a running call's stack holds (its locals, such as the inspector's message while it
 * takes the snapshot), not V8's literal boilerplates (engine caches held only by an
 * allocation site's `transition_info`), constants of code compiled since the mark (held only
 * by that code) and new property names (in V8's string table, held otherwise only by shapes
 * and code), and not heapdiff's own diff machinery.
 */
export function relativeHeap(graph: HeapGraph, baselineId: number): RelativeHeap {
  const { dominators, retainedSizes, firstDominated, dominated } = dominatorTree(graph);
  const shallow = shallowSizes(graph);
  const classes = graph.classes;
  const engine = new Uint8Array(graph.layout.nodeTypes.length);
  graph.layout.nodeTypes.forEach((type, i) => (engine[i] = ENGINE_TYPES.has(type) ? 1 : 0));
  const isNew = (n: number): boolean => {
    const id = graph.nodeId(n);
    return (id & 1) === 1 && id > baselineId && engine[graph.nodeTypeIndex(n)] === 0;
  };
  // Left out, with all they dominate: new objects that only a running call's stack holds (its
  // locals, the inspector's message while the snapshot is taken), and V8's literal
  // boilerplates (held only by an allocation site's `transition_info`): engine caches.
  const syntheticType = graph.layout.nodeTypes.indexOf('synthetic');
  const { firstRetainer, retainerNodes } = graph.retainers;
  const codeType = graph.layout.nodeTypes.indexOf('code');
  const arrayType = graph.layout.nodeTypes.indexOf('array');
  const newId = (n: number): boolean => graph.nodeId(n) > baselineId;
  // Held only by compiled code, directly or through new arrays that only code holds (constant
  // pools of functions compiled since the mark): the engine's, not the program's.
  const codeMemo = new Map<number, boolean>();
  const heldByCode = (n: number): boolean => {
    const known = codeMemo.get(n);
    if (known !== undefined) return known;
    codeMemo.set(n, false);
    let result = firstRetainer[n]! < firstRetainer[n + 1]!;
    for (let k = firstRetainer[n]!; k < firstRetainer[n + 1]! && result; k++) {
      const holder = retainerNodes[k]!;
      const type = graph.nodeTypeIndex(holder);
      result = type === codeType || (type === arrayType && newId(holder) && heldByCode(holder));
    }
    codeMemo.set(n, result);
    return result;
  };
  // New property names: strings in V8's string table held otherwise only by shapes and code.
  const shapeType = graph.layout.nodeTypes.indexOf('object shape');
  const stringTypes = new Set(['string', 'concatenated string', 'sliced string'].map((t) => graph.layout.nodeTypes.indexOf(t)));
  const propertyName = (n: number): boolean => {
    if (!stringTypes.has(graph.nodeTypeIndex(n))) return false;
    let inTable = false;
    for (let k = firstRetainer[n]!; k < firstRetainer[n + 1]!; k++) {
      const holder = retainerNodes[k]!;
      const type = graph.nodeTypeIndex(holder);
      if (type === syntheticType && graph.nodeName(holder) === '(Internalized strings)') inTable = true;
      else if (type !== shapeType && type !== codeType) return false;
    }
    return inTable;
  };
  const isStackRoot = (n: number): boolean =>
    graph.nodeTypeIndex(n) === syntheticType && (graph.nodeName(n) === '(Stack roots)' || graph.nodeName(n) === '(Handle scope)');
  // heapdiff's own diff machinery: marks, prepared snapshots, and their promises with whatever
  // the caller's `await` hung on them (on Node 22 and later the snapshot is built only after the
  // caller has started awaiting). Not looked into.
  const own = new Set<number>();
  const ownClasses = new Set(['PreparedSnapshot', 'HeapMarkHandle'].map((name) => classes.names.indexOf(name)).filter((c) => c >= 0));
  if (ownClasses.size > 0) {
    for (let n = 0; n < graph.nodeCount; n++) {
      if (!ownClasses.has(graph.classIndexOf(n))) continue;
      own.add(n);
      for (let e = graph.firstEdge[n]!; e < graph.firstEdge[n + 1]!; e++) {
        if (graph.edgeName(e) === '#promise') own.add(graph.edgeTarget(e));
      }
    }
  }
  // V8's literal boilerplates: objects held only by an allocation site's `transition_info`.
  const boilerplateMemo = new Map<number, boolean>();
  const isBoilerplate = (n: number): boolean => {
    let known = boilerplateMemo.get(n);
    if (known === undefined) {
      const edges = graph.retainingEdges(n);
      known = edges.length > 0;
      for (let k = 0; k < edges.length && known; k++) known = graph.edgeName(edges[k]!) === 'transition_info';
      boilerplateMemo.set(n, known);
    }
    return known;
  };
  // Memo: 1 transient, 2 not, 3 being decided (a cycle counts as not transient).
  const memo = new Map<number, number>();
  const transient = (n: number): boolean => {
    const known = memo.get(n);
    if (known !== undefined) return known === 1;
    memo.set(n, 3);
    const from = firstRetainer[n]!;
    const to = firstRetainer[n + 1]!;
    // Held only by stack roots, boilerplates, or new objects that are themselves transient (the
    // pieces of a string being built on the stack, say).
    let stackOnly = from < to;
    for (let k = from; k < to && stackOnly; k++) {
      const holder = retainerNodes[k]!;
      stackOnly =
        isStackRoot(holder) || isBoilerplate(holder) || (isNew(holder) && memo.get(holder) !== 3 && transient(holder));
    }
    const result = stackOnly || heldByCode(n) || propertyName(n) || isBoilerplate(n);
    memo.set(n, result ? 1 : 2);
    return result;
  };
  const classCount = classes.names.length;
  const counts = new Float64Array(classCount);
  const sizes = new Float64Array(classCount);
  const roots = new Float64Array(classCount);
  const retained = new Float64Array(classCount);
  const biggest = new Int32Array(classCount).fill(-1);
  let total = 0;
  let totalSize = 0;
  const counted: number[] = [];
  // Depth-first over the dominator tree: a new object counts in its group's retained size only
  // when no new object of the same class is above it (stack entries: node, or ~node to leave).
  const onPath = new Uint32Array(classCount);
  const stack: number[] = [graph.rootOrdinal];
  while (stack.length) {
    const entry = stack.pop()!;
    if (entry < 0) {
      onPath[graph.classIndexOf(~entry)]!--;
      continue;
    }
    const n = entry;
    if (own.has(n) || (isNew(n) && transient(n))) continue;
    if (isNew(n) && shallow[n]! > 0) {
      const c = graph.classIndexOf(n);
      counted.push(n);
      counts[c]!++;
      sizes[c]! += shallow[n]!;
      total++;
      totalSize += shallow[n]!;
      if (!isNew(dominators[n]!)) roots[c]!++;
      if (onPath[c] === 0) {
        retained[c]! += retainedSizes[n]!;
        if (biggest[c]! < 0 || retainedSizes[n]! > retainedSizes[biggest[c]!]!) biggest[c] = n;
        onPath[c]!++;
        stack.push(~n);
      }
    }
    for (let i = firstDominated[n]!; i < firstDominated[n + 1]!; i++) stack.push(dominated[i]!);
  }
  const stacks = graph.traceTree && graph.traceTree.count > 0 ? allocationStacksByClass(graph, counted) : undefined;
  const groups: RelativeHeapGroup[] = [];
  for (let c = 0; c < classCount; c++) {
    if (counts[c] === 0) continue;
    const group = {
      className: classes.names[c]!,
      count: counts[c]!,
      selfSize: sizes[c]!,
      retainedSize: retained[c]!,
      leakRoots: roots[c]!,
      retainerPath: biggest[c]! >= 0 ? formatRetainerPath(graph, retainerPath(graph, biggest[c]!)) : '',
    };
    groups.push(stacks ? { ...group, allocationStacks: stacks.get(c) ?? [] } : group);
  }
  groups.sort((a, b) => b.retainedSize - a.retainedSize || b.count - a.count || (a.className < b.className ? -1 : 1));
  return { baselineId, count: total, selfSize: totalSize, groups };
}

/** The three most frequent allocation stacks per class, from the snapshot's trace tree. */
function allocationStacksByClass(graph: HeapGraph, nodes: readonly number[]): Map<number, AllocationStack[]> {
  const tree = graph.traceTree!;
  const fields = graph.layout.traceFunctionInfoFields;
  const at = (name: string) => fields.indexOf(name);
  const [nameAt, scriptAt, lineAt, columnAt] = [at('name'), at('script_name'), at('line'), at('column')];
  const position = new Map<number, number>();
  for (let t = 0; t < tree.count; t++) position.set(tree.ids[t]!, t);
  const perClass = new Map<number, Map<number, number>>();
  for (const n of nodes) {
    const traceNode = graph.traceNodeId(n);
    if (traceNode === 0) continue;
    const c = graph.classIndexOf(n);
    const byTrace = perClass.get(c) ?? new Map<number, number>();
    byTrace.set(traceNode, (byTrace.get(traceNode) ?? 0) + 1);
    perClass.set(c, byTrace);
  }
  const frame = (t: number) => {
    const info = tree.functionInfoIndexes[t]! * fields.length;
    const text = (i: number) => (i >= 0 ? graph.strings.get(graph.traceFunctionInfos[info + i]!) : '');
    // V8 writes line and column plus one, 0 when unknown: shown 1-based here, 0 for unknown.
    return {
      functionName: text(nameAt) || '(anonymous)',
      scriptName: text(scriptAt),
      line: lineAt >= 0 ? graph.traceFunctionInfos[info + lineAt]! : 0,
      column: columnAt >= 0 ? graph.traceFunctionInfos[info + columnAt]! : 0,
    };
  };
  const result = new Map<number, AllocationStack[]>();
  for (const [c, byTrace] of perClass) {
    const top = [...byTrace].sort((a, b) => b[1] - a[1]).slice(0, 3);
    result.set(
      c,
      top.map(([traceNode, count]) => {
        const frames = [];
        for (let t = position.get(traceNode) ?? -1; t >= 0 && tree.parents[t]! >= 0; t = tree.parents[t]!) frames.push(frame(t));
        return { count, frames };
      }),
    );
  }
  return result;
}

/** A baseline in this thread's heap: see `markHeap`. */
export interface HeapMark {
  /** The highest object id when the mark was made. */
  readonly baselineId: number;
  /** When the mark was made (ms since the epoch). */
  readonly markedAt: number;
  /** What the mark cost, in whole milliseconds (a garbage collection and a heap snapshot). */
  readonly cost: number;
  /** What was allocated since the mark and is still alive (after a garbage collection). */
  diff(): Promise<RelativeHeap>;
}

/**
 * Marks a baseline in this thread's heap — heapy's `hpy().setrelheap()` — so that `diff()`
 * later tells what was allocated since and is still alive — heapy's `heap()`.
 *
 * A mark takes a heap snapshot (garbage collected first): V8 gives every live object an id only
 * when it snapshots or tracks the heap, and tracking costs a full collection every 50 ms until
 * it is stopped — with a snapshot. The snapshot is parsed for its highest id and dropped.
 * Everything the mark and its first diff need is allocated before that snapshot, so heapdiff's
 * own objects never count as new: with nothing allocated in between, the first diff is empty.
 * (A later diff of the same mark sees the few objects heapdiff readied after the previous one.)
 *
 * @example
 * const mark = await markHeap()
 * await handler(request)
 * const { groups } = await mark.diff()   // e.g. [{ className: 'Session', count: 1, … }]
 */
export interface MarkOptions extends CaptureOptions {
  /**
   * Record where each object is allocated from the mark on, so `diff()` gives each group's
   * most frequent allocation stacks. Costly while on: V8 gives up inline allocation (allocating
   * is tens of times slower). The first `diff()` ends it.
   */
  trackAllocations?: boolean;
}

export async function markHeap(options: MarkOptions = {}): Promise<HeapMark> {
  // Built before the mark's snapshot: the mark, with the first diff's snapshot made ready.
  const mark = new HeapMarkHandle(options);
  const started = performance.now();
  const graph = await takeSnapshot(options);
  mark.settle(graph.maxJsNodeId, Math.round(performance.now() - started));
  if (options.trackAllocations) await post('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true });
  return mark;
}

/**
 * The mark object (its class name is how a diff recognises heapdiff's own objects: marks and
 * prepared snapshots, with all they hold, never count as new).
 */
class HeapMarkHandle implements HeapMark {
  baselineId = 0;
  cost = 0;
  readonly markedAt = Date.now();
  readonly #options: CaptureOptions;
  #next: PreparedSnapshot;
  readonly #analyze = async (graph: HeapGraph): Promise<RelativeHeap> => {
    this.#next = new PreparedSnapshot({ gc: this.#options.gc ?? true });
    await analyzeGraph(graph);
    return relativeHeap(graph, this.baselineId);
  };

  constructor(options: MarkOptions) {
    this.#options = options;
    // With tracking on, the first diff's snapshot is the one that stops it.
    this.#next = new PreparedSnapshot({ ...options, stopsTracking: Boolean(options.trackAllocations) });
  }

  settle(baselineId: number, cost: number): void {
    this.baselineId = baselineId;
    this.cost = cost;
  }

  diff(): Promise<RelativeHeap> {
    return this.#next.take().then(this.#analyze);
  }
}
