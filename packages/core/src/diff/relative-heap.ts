import { topAllocationStacks, type AllocationStack } from '../analysis/allocation-stacks.js';
import { classRetainedSizes, Membership, treeOf } from '../analysis/class-retained-sizes.js';
import { dominatorTree } from '../analysis/dominators.js';
import { formatRetainerPath, retainerPath, type RetainerStep } from '../analysis/retainer-path.js';
import { shallowSizes } from '../analysis/shallow-sizes.js';
import { classKeys, type SourceLocation } from '../graph/class-keys.js';
import type { HeapGraph } from '../graph/heap-graph.js';
import { namedEdgeTarget } from '../graph/named-edge.js';
import { isProgramConstructor } from '../graph/program-classes.js';
import { frameLabel, type PositionMap } from './frame-labels.js';
import { awaitingFrames } from './awaiting-frames.js';
import { Held, heldObjects } from './held-objects.js';
import { nodeRenewals } from './node-renewals.js';

/** One class of objects allocated since a mark and still alive. */
export interface RelativeHeapGroup {
  readonly className: string;
  /** Where the class's constructor is defined, for the program's classes (not the language's built-ins). */
  readonly location?: SourceLocation;
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
  /**
   * With `rounds`: the members allocated in each round — ids up to the first boundary, then up
   * to each next one, then after the last (one more entry than boundaries).
   */
  readonly countsByRound?: readonly number[];
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
   * Its own promises that something waits for lead to the waiting frames, whose holdings count.
   */
  readonly ownMarker?: string;
  /**
   * Object ids, ascending, that cut the time since the baseline into rounds (the highest id at
   * the end of each round but the last): each group then counts its members per round.
   */
  readonly rounds?: readonly number[];
  /**
   * What a group's retainer path should not go through when a waiting frame holds the object
   * too — objects of these `classes`, edges of these `edges` names: the path then starts at
   * that frame. For a test runner's own state, which reaches the scenario under test (and all
   * it holds) through its assertion objects and the promises it tracks: a leak held by a local
   * of the test reads `async testCase() app.test.ts:12 → broker → …`, not `global →
   * __vitest_worker__ → current → onFinished → … → _Assertion → __flags → object → context →
   * broker → …`.
   */
  readonly pathAvoids?: { readonly classes?: readonly string[]; readonly edges?: readonly string[] };
  /**
   * Maps positions in the code the program ran back to its sources (a test file a runner
   * transpiled): the waiting frames' lines in paths and the classes' constructor locations.
   */
  readonly originalPosition?: PositionMap;
}

/**
 * The objects of `graph` newer than `baselineId` (V8 gives JavaScript objects odd ids in
 * allocation order once every older object has one) that the program holds, grouped by class.
 *
 * Held: reachable from the GC roots, or from the frames waiting for the diffing code's pending
 * promises — the suspended async functions that await them, at any depth, and the callbacks
 * hung on them (awaiting-frames.ts) — as long as the snapshot was taken from a clean stack.
 * Left out, each by identity: the objects `options.ownMarker` marks as the diffing code's own
 * and what only they hold; the continuation objects between those promises and the frames
 * (reactions, `await` closures, derived promises, the waiting generators and their promises);
 * the engine's bookkeeping (compiled code, shapes, `(system)` and `(array)` parts) and native
 * memory (backing stores: see ENGINE_TYPES), whose sizes still count in their owners' retained
 * sizes; new objects only a running call's stack holds; V8's literal boilerplates (held only by
 * an allocation site's `transition_info`), constants of code compiled since the mark and new
 * property names (see held-objects.ts); and what Node renews on its own (node-renewals.ts).
 * A group's retainer path starts at a root or at the
 * waiting frame that holds it (`async testCase() → …`).
 *
 * @example
 * const heap = relativeHeap(await parseSnapshot('after.heapsnapshot'), baselineId)
 * for (const g of heap.groups) console.log(g.className, g.count, g.retainerPath)
 */
export function relativeHeap(graph: HeapGraph, baselineId: number, options: RelativeHeapOptions = {}): RelativeHeap {
  if (!Number.isSafeInteger(baselineId) || baselineId < 0) {
    throw new TypeError(`relativeHeap: the baseline must be an object id (a whole number from 0), such as a mark's baselineId, not ${String(baselineId)}`);
  }
  options ??= {};
  const { dominators, retainedSizes } = dominatorTree(graph);
  const shallow = shallowSizes(graph);
  const keys = classKeys(graph);
  const engine = new Uint8Array(graph.layout.nodeTypes.length);
  graph.layout.nodeTypes.forEach((type, i) => (engine[i] = ENGINE_TYPES.has(type) ? 1 : 0));
  const isNew = (n: number): boolean => {
    const id = graph.nodeId(n);
    return (id & 1) === 1 && id > baselineId && engine[graph.nodeTypeIndex(n)] === 0;
  };
  const own = markedObjects(graph, options.ownMarker);
  const { continuation, frames } = awaitingFrames(graph, pendingPromises(graph, own));
  const allFrames = [...frames, ...queuedAfterOwnImmediates(graph, own)];
  const { held, parent } = heldObjects(graph, { own, continuation, frames: allFrames });
  const classCount = keys.names.length;
  // Members: new objects of non-zero size the program holds, not the diffing code's own nor
  // continuation objects. Decided per object: nothing is pruned with what it dominates (the
  // waiting frames sit under the diffing code's promises in the dominator tree).
  const membership = new Uint8Array(graph.nodeCount);
  for (let n = 0; n < graph.nodeCount; n++) {
    if (held[n] !== Held.No && isNew(n) && shallow[n]! > 0 && continuation[n] === 0 && !own.has(n)) membership[n] = Membership.Member;
  }
  for (const n of nodeRenewals(graph)) membership[n] = Membership.Outside;
  const counts = new Float64Array(classCount);
  const sizes = new Float64Array(classCount);
  const roots = new Float64Array(classCount);
  let total = 0;
  let totalSize = 0;
  const counted: number[] = [];
  const boundaries = options.rounds ?? [];
  for (const [i, id] of boundaries.entries()) {
    if (!Number.isSafeInteger(id) || id < baselineId || (i > 0 && id < boundaries[i - 1]!)) {
      throw new TypeError(`relativeHeap: rounds must be ascending object ids from the baseline (${baselineId}) on, got ${String(boundaries)}`);
    }
  }
  const byRound = boundaries.length > 0 ? new Float64Array(classCount * (boundaries.length + 1)) : undefined;
  // Per class, the old objects its leak roots hang on, each with how many and its biggest: a
  // group's path is that of the biggest root on the one holding most (the array that keeps 300
  // Widgets, not a local that holds one more of the same size).
  const anchors = new Map<number, Map<number, { count: number; biggest: number }>>();
  const { retained, biggest } = classRetainedSizes(treeOf(graph), { keyOf: keys.keyOf, classCount, shallow, membership }, (n, c) => {
    counted.push(n);
    counts[c]!++;
    sizes[c]! += shallow[n]!;
    total++;
    totalSize += shallow[n]!;
    const anchor = dominators[n]!;
    if (!isNew(anchor)) {
      roots[c]!++;
      let held = anchors.get(c);
      if (!held) anchors.set(c, (held = new Map()));
      const on = held.get(anchor);
      if (!on) held.set(anchor, { count: 1, biggest: n });
      else {
        on.count++;
        if (retainedSizes[n]! > retainedSizes[on.biggest]!) on.biggest = n;
      }
    }
    if (byRound) {
      const id = graph.nodeId(n);
      let round = 0;
      while (round < boundaries.length && id > boundaries[round]!) round++;
      byRound[c * (boundaries.length + 1) + round]!++;
    }
  });
  const stacks = graph.traceTree && graph.traceTree.count > 0 ? topAllocationStacks(graph, counted) : undefined;
  const avoidedClasses = new Set(options.pathAvoids?.classes ?? []);
  const avoidedEdges = new Set(options.pathAvoids?.edges ?? []);
  const avoided = (step: RetainerStep): boolean =>
    avoidedClasses.has(graph.className(step.to)) || (step.edge >= 0 && avoidedEdges.has(graph.edgeName(step.edge)));
  let fromFrames: ReturnType<typeof heldObjects> | undefined;
  const pathOf = (n: number): string => {
    if (held[n] === Held.ByFrames) return formatFramePath(graph, n, parent, options.originalPosition);
    const steps = retainerPath(graph, n);
    if ((avoidedClasses.size > 0 || avoidedEdges.size > 0) && steps.some(avoided)) {
      // Walked once, and only for such a path: what the waiting frames reach, roots or not.
      fromFrames ??= heldObjects(graph, { own, continuation, frames: allFrames, fromRoots: false });
      if (fromFrames.held[n] === Held.ByFrames) return formatFramePath(graph, n, fromFrames.parent, options.originalPosition);
    }
    return formatRetainerPath(graph, steps);
  };
  /** The member whose path a group shows: see `anchors`; else the class's biggest. */
  const shown = (c: number): number => {
    let best: { count: number; biggest: number } | undefined;
    for (const on of anchors.get(c)?.values() ?? []) {
      if (!best || on.count > best.count || (on.count === best.count && retainedSizes[on.biggest]! > retainedSizes[best.biggest]!)) best = on;
    }
    return best ? best.biggest : biggest[c]!;
  };
  const groups: RelativeHeapGroup[] = [];
  for (let c = 0; c < classCount; c++) {
    if (counts[c] === 0) continue;
    const location = keys.locations[c];
    const representative = shown(c);
    const group = {
      className: keys.names[c]!,
      ...(isProgramConstructor(keys.names[c]!, location) ? { location: originalLocation(location!, options.originalPosition) } : {}),
      count: counts[c]!,
      selfSize: sizes[c]!,
      retainedSize: retained[c]!,
      leakRoots: roots[c]!,
      retainerPath: representative >= 0 ? pathOf(representative) : '',
    };
    const rounds = byRound ? { countsByRound: Array.from(byRound.subarray(c * (boundaries.length + 1), (c + 1) * (boundaries.length + 1))) } : {};
    groups.push(stacks ? { ...group, allocationStacks: stacks.get(c) ?? [], ...rounds } : { ...group, ...rounds });
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
 * The diffing code's own promises that something waits for (their `reactions_or_result` is a
 * reaction): the one `diff()` returned — the caller's `await` hangs on it — and the snapshot's
 * before it.
 */
function pendingPromises(graph: HeapGraph, own: ReadonlySet<number>): number[] {
  const name = graph.strings.indexOf('reactions_or_result');
  const pending: number[] = [];
  if (name < 0) return pending;
  for (const n of own) {
    const first = namedEdgeTarget(graph, n, name);
    if (first >= 0 && graph.nodeName(first) === 'system / PromiseReaction') pending.push(n);
  }
  return pending;
}

/**
 * The program's immediates queued after one of the diffing code's own: while Node runs an
 * immediate (the one that takes the snapshot), those after it hang only on its `_idleNext`.
 */
function queuedAfterOwnImmediates(graph: HeapGraph, own: ReadonlySet<number>): number[] {
  const immediate = graph.classes.names.indexOf('Immediate');
  const next = graph.strings.indexOf('_idleNext');
  const queued: number[] = [];
  if (immediate < 0 || next < 0) return queued;
  for (const n of own) {
    if (graph.classIndexOf(n) !== immediate) continue;
    const after = namedEdgeTarget(graph, n, next);
    if (after >= 0 && !own.has(after)) queued.push(after);
  }
  return queued;
}

/** A constructor's location in its original source, where `original` maps it there. */
function originalLocation(at: SourceLocation, original: PositionMap | undefined): SourceLocation {
  const mapped = original && at.line >= 0 && at.url ? original(at.url, at.line, at.column) : undefined;
  return mapped ? { ...at, line: mapped.line, column: mapped.column } : at;
}

/**
 * The path to `node` from the waiting frame that holds it (`parent` from heldObjects), starting
 * with the frame: e.g. `testCase (awaiting) → [6] (Server) → sessions (Map) → table → Session @42`.
 */
function formatFramePath(graph: HeapGraph, node: number, parent: Int32Array, original: PositionMap | undefined): string {
  const steps: RetainerStep[] = [];
  for (let to = node; parent[to]! >= 0 && steps.length < graph.nodeCount; to = parent[to]!) {
    const from = parent[to]!;
    let edge = -1;
    for (let e = graph.firstEdge[from]!; e < graph.firstEdge[from + 1]! && edge < 0; e++) {
      if (graph.edgeTarget(e) === to && graph.edgeType(e) !== 'weak') edge = e;
    }
    steps.push({ from, edge, to });
  }
  steps.reverse();
  const frame = steps.length > 0 ? steps[0]!.from : node;
  return steps.length === 0 ? frameLabel(graph, frame, original) : formatRetainerPath(graph, steps, frameLabel(graph, frame, original));
}
