import { topAllocationStacks, type AllocationStack } from '../analysis/allocation-stacks.js';
import { classRetainedSizes, Membership } from '../analysis/class-retained-sizes.js';
import { dominatorTree } from '../analysis/dominators.js';
import { formatRetainerPath, retainerPath } from '../analysis/retainer-path.js';
import { shallowSizes } from '../analysis/shallow-sizes.js';
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

/** What was allocated since a mark and is still alive, grouped by class, biggest first. */
export interface RelativeHeap {
  /** The highest object id at the mark: newer objects have higher (odd) ids. */
  readonly baselineId: number;
  readonly count: number;
  readonly selfSize: number;
  readonly groups: readonly RelativeHeapGroup[];
}

/**
 * Node types not counted as new: the engine's own bookkeeping, and native memory (array
 * buffer backing stores, the embedder's objects), which V8 numbers only when it snapshots —
 * not when it tracks — so its ids say nothing about when it was allocated. Their sizes still
 * count in their owners' retained sizes.
 */
const ENGINE_TYPES = new Set(['hidden', 'code', 'object shape', 'synthetic', 'array', 'native']);

/** Options of `relativeHeap`. */
export interface RelativeHeapOptions {
  /**
   * The name of a property edge, as V8 writes it into the snapshot, that marks the diffing
   * code's own objects: every object with such an edge is left out, with all that only it
   * holds. ASCII. heapdiff's marks pass theirs — a property keyed by a symbol of their own,
   * whose edge V8 names `<symbol DESCRIPTION>` — so their snapshots, promises and callbacks
   * (held by the inspector while the snapshot is taken, or by the caller's `await`) never count.
   */
  readonly ownMarker?: string;
}

/**
 * The objects of `graph` newer than `baselineId` (V8 gives JavaScript objects odd ids in
 * allocation order once every older object has one), grouped by class. Counted are the
 * program's objects: not the engine's bookkeeping (compiled code, shapes, `(system)` and
 * `(array)` parts) nor native memory (backing stores: see ENGINE_TYPES) — their sizes still
 * count in their owners' retained sizes — not new objects
 * that only a running call's stack holds (its locals, such as the inspector's message while it
 * takes the snapshot), not V8's literal boilerplates (engine caches held only by an
 * allocation site's `transition_info`), constants of code compiled since the mark (held only
 * by that code) and new property names (in V8's string table, held otherwise only by shapes
 * and code), and not the objects `options.ownMarker` marks as the diffing code's own.
 *
 * @example
 * const heap = relativeHeap(await parseSnapshot('after.heapsnapshot'), baselineId)
 * for (const g of heap.groups) console.log(g.className, g.count, g.retainerPath)
 */
export function relativeHeap(graph: HeapGraph, baselineId: number, options: RelativeHeapOptions = {}): RelativeHeap {
  const { dominators } = dominatorTree(graph);
  const shallow = shallowSizes(graph);
  const classes = graph.classes;
  const engine = new Uint8Array(graph.layout.nodeTypes.length);
  graph.layout.nodeTypes.forEach((type, i) => (engine[i] = ENGINE_TYPES.has(type) ? 1 : 0));
  const isNew = (n: number): boolean => {
    const id = graph.nodeId(n);
    return (id & 1) === 1 && id > baselineId && engine[graph.nodeTypeIndex(n)] === 0;
  };
  const own = markedObjects(graph, options.ownMarker);
  const held = heldBeyondTheStack(graph, own);
  const classCount = classes.names.length;
  // Members: new objects of non-zero size. Left out with all they dominate: the diffing code's
  // own (marked) objects, and new objects only a running call holds (transient).
  const membership = new Uint8Array(graph.nodeCount);
  for (let n = 0; n < graph.nodeCount; n++) {
    if (own.has(n)) membership[n] = Membership.Pruned;
    else if (isNew(n)) membership[n] = held[n] === 0 ? Membership.Pruned : shallow[n]! > 0 ? Membership.Member : Membership.Outside;
  }
  const counts = new Float64Array(classCount);
  const sizes = new Float64Array(classCount);
  const roots = new Float64Array(classCount);
  let total = 0;
  let totalSize = 0;
  const counted: number[] = [];
  const { retained, biggest } = classRetainedSizes(graph, membership, (n, c) => {
    counted.push(n);
    counts[c]!++;
    sizes[c]! += shallow[n]!;
    total++;
    totalSize += shallow[n]!;
    if (!isNew(dominators[n]!)) roots[c]!++;
  });
  const stacks = graph.traceTree && graph.traceTree.count > 0 ? topAllocationStacks(graph, counted) : undefined;
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

/** The nodes with a property edge named `marker` (a string V8 writes once in the strings table). */
function markedObjects(graph: HeapGraph, marker: string | undefined): Set<number> {
  const marked = new Set<number>();
  const name = marker === undefined ? -1 : graph.strings.indexOf(marker);
  if (name < 0) return marked;
  const property = graph.layout.edgeTypes.indexOf('property');
  for (let n = 0; n < graph.nodeCount; n++) {
    for (let e = graph.firstEdge[n]!; e < graph.firstEdge[n + 1]!; e++) {
      if (graph.edgeTypeIndex(e) === property && graph.edgeNameOrIndex(e) === name) {
        marked.add(n);
        break;
      }
    }
  }
  return marked;
}

/**
 * 1 for the objects the program holds: reachable from the GC roots without passing through
 * the diffing code's own objects (`own`) or what only the engine or a running call holds — stack
 * roots, handle scopes and the current microtask (a running call's locals and continuation,
 * the inspector's message while the snapshot is taken), a compiler job's handles and identity
 * maps, weak edges, V8's literal boilerplates (an allocation site's `transition_info`),
 * compiled code (the constants of code compiled since the mark) and, for strings, shapes and
 * the string table (new property names). A new object left at 0 is transient: not counted,
 * with all it dominates.
 */
function heldBeyondTheStack(graph: HeapGraph, own: ReadonlySet<number>): Uint8Array {
  const types = graph.layout.nodeTypes;
  const [synthetic, code, shape] = ['synthetic', 'code', 'object shape'].map((t) => types.indexOf(t));
  const stringType = new Uint8Array(types.length);
  for (const t of ['string', 'concatenated string', 'sliced string']) if (types.indexOf(t) >= 0) stringType[types.indexOf(t)] = 1;
  const [weak, element, hidden] = ['weak', 'element', 'hidden'].map((t) => graph.layout.edgeTypes.indexOf(t));
  // Edge names not followed, decided once per string: 1 never, 2 from synthetic roots (a
  // compiler job's identity maps, named `N / IdentityMapBase`), 3 always.
  const nameKind = new Uint8Array(graph.strings.count);
  const skippedName = (stringIndex: number, fromSynthetic: boolean): boolean => {
    let kind = nameKind[stringIndex]!;
    if (kind === 0) {
      const name = graph.strings.get(stringIndex);
      kind = name === 'transition_info' || name === 'current_microtask' ? 3 : name.endsWith(' / IdentityMapBase') ? 2 : 1;
      nameKind[stringIndex] = kind;
    }
    return kind === 3 || (kind === 2 && fromSynthetic);
  };
  // 1: edges out of it are not followed; 2: only its edges to strings are not.
  const source = new Uint8Array(graph.nodeCount);
  for (const n of own) source[n] = 1;
  for (let n = 0; n < graph.nodeCount; n++) {
    const type = graph.nodeTypeIndex(n);
    if (type === code) source[n] = 1;
    else if (type === shape) source[n] = 2;
    else if (type === synthetic) {
      const name = graph.nodeName(n);
      if (name === '(Stack roots)' || name === '(Handle scope)') source[n] = 1;
      else if (name === '(Internalized strings)') source[n] = 2;
    }
  }
  const held = new Uint8Array(graph.nodeCount);
  const queue = new Int32Array(graph.nodeCount);
  let head = 0;
  let tail = 0;
  queue[tail++] = graph.rootOrdinal;
  held[graph.rootOrdinal] = 1;
  while (head < tail) {
    const n = queue[head++]!;
    if (source[n] === 1) continue;
    const type = graph.nodeTypeIndex(n);
    for (let e = graph.firstEdge[n]!; e < graph.firstEdge[n + 1]!; e++) {
      const to = graph.edgeTarget(e);
      if (held[to] === 1 || graph.edgeTypeIndex(e) === weak) continue;
      if (source[n] === 2 && stringType[graph.nodeTypeIndex(to)] === 1) continue;
      const edgeType = graph.edgeTypeIndex(e);
      if (edgeType !== element && edgeType !== hidden && skippedName(graph.edgeNameOrIndex(e), type === synthetic)) continue;
      held[to] = 1;
      queue[tail++] = to;
    }
  }
  return held;
}
