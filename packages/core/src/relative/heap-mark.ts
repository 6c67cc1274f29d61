import { analyzeGraph } from '../analysis/analyze-graph.js';
import { dominatorTree } from '../analysis/dominators.js';
import { formatRetainerPath, retainerPath } from '../analysis/retainer-path.js';
import { shallowSizes } from '../analysis/shallow-sizes.js';
import { PreparedSnapshot } from '../capture/prepared-snapshot.js';
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
 * `(array)` parts — their sizes still count in their owners' retained sizes), and not new
 * objects that only a running call's stack holds directly (locals of the call in progress, such
 * as the inspector's message while it takes the snapshot).
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
  // Roots of what a running call's stack holds (the inspector's own message while it takes the
  // snapshot, for one).
  const syntheticType = graph.layout.nodeTypes.indexOf('synthetic');
  const transient = (n: number): boolean =>
    graph.nodeTypeIndex(n) === syntheticType && (graph.nodeName(n) === '(Stack roots)' || graph.nodeName(n) === '(Handle scope)');
  const classCount = classes.names.length;
  const counts = new Float64Array(classCount);
  const sizes = new Float64Array(classCount);
  const roots = new Float64Array(classCount);
  const retained = new Float64Array(classCount);
  const biggest = new Int32Array(classCount).fill(-1);
  let total = 0;
  let totalSize = 0;
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
    if (isNew(n) && shallow[n]! > 0) {
      const c = graph.classIndexOf(n);
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
    // New objects only a running call's stack holds are transient: left out with all they hold.
    const fromStack = transient(n);
    for (let i = firstDominated[n]!; i < firstDominated[n + 1]!; i++) {
      const child = dominated[i]!;
      if (!(fromStack && isNew(child))) stack.push(child);
    }
  }
  const groups: RelativeHeapGroup[] = [];
  for (let c = 0; c < classCount; c++) {
    if (counts[c] === 0) continue;
    groups.push({
      className: classes.names[c]!,
      count: counts[c]!,
      selfSize: sizes[c]!,
      retainedSize: retained[c]!,
      leakRoots: roots[c]!,
      retainerPath: biggest[c]! >= 0 ? formatRetainerPath(graph, retainerPath(graph, biggest[c]!)) : '',
    });
  }
  groups.sort((a, b) => b.retainedSize - a.retainedSize || b.count - a.count || (a.className < b.className ? -1 : 1));
  return { baselineId, count: total, selfSize: totalSize, groups };
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
export async function markHeap(options: CaptureOptions = {}): Promise<HeapMark> {
  // Built before the mark's snapshot: the mark, its state, and the first diff's snapshot.
  const state = { baselineId: 0, cost: 0, next: new PreparedSnapshot(options) };
  const analyze = async (graph: HeapGraph): Promise<RelativeHeap> => {
    state.next = new PreparedSnapshot(options);
    await analyzeGraph(graph);
    return relativeHeap(graph, state.baselineId);
  };
  const mark: HeapMark = {
    get baselineId() {
      return state.baselineId;
    },
    markedAt: Date.now(),
    get cost() {
      return state.cost;
    },
    diff(): Promise<RelativeHeap> {
      return state.next.take().then(analyze);
    },
  };
  const started = performance.now();
  const graph = await takeSnapshot(options);
  state.baselineId = graph.maxJsNodeId;
  state.cost = Math.round(performance.now() - started);
  return mark;
}
