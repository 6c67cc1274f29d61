import { allocationStackReader, allocationStacksOf, type AllocationStack } from '../analysis/allocation-stacks.js';
import { classRetainedSizes, Membership, treeOf } from '../analysis/class-retained-sizes.js';
import { dominatorTree } from '../analysis/dominators.js';
import { nodeDistances } from '../analysis/distances.js';
import { edgeLabel, readableClassName, retainerPath } from '../analysis/retainer-path.js';
import { shallowSizes } from '../analysis/shallow-sizes.js';
import { censusClassKeys, takeCensus, type SnapshotCensus } from '../diff/snapshot-census.js';
import { SnapshotsUnrelatedError } from '../errors.js';
import { shown } from '../format/shown.js';
import { classKeys, type SourceLocation } from '../graph/class-keys.js';
import { HeapGraph } from '../graph/heap-graph.js';
import { namedEdgeTarget } from '../graph/named-edge.js';
import { scratchArrays } from '../graph/scratch-arrays.js';
import { leakRoots } from './leak-roots.js';
import { readablePath } from './readable-path.js';
import { classKinds, STRING_CLASSES } from './leak-naming.js';
import { nodeRenewals } from '../diff/node-renewals.js';
import { AnalysisKey } from '../graph/analysis-cache.js';
import { PathSignatures } from './path-signature.js';
import { checkSameProcess } from './same-process.js';

/** One step of a leak's retainer path: the edge taken and the object it reaches. */
export interface LeakPathStep {
  /** The edge's name: a property, `[index]`, a closure variable, an internal link. */
  readonly edge: string;
  readonly className: string;
  readonly id: number;
}

/** Objects that leak the same way: one class, held by the same kind of holder, along the same path. */
export interface LeakGroup {
  /** The class to go and fix: the leak roots' own, or the program's class a built-in holder keeps. */
  readonly name: string;
  readonly location?: SourceLocation;
  /** The built-in class of the leak roots when they are not `name` themselves (`Timeout`, `Function`, `Array`…). */
  readonly heldBy?: string;
  /**
   * The holder of the representative leak root (the first of `sampleIds`) by name, when it has
   * one: a closure's function (`onMessage`), a suspended async function (`handle (awaiting)`).
   */
  readonly holderName?: string;
  /** Leak roots in the group: leaked objects not dominated by another leaked object. */
  readonly count: number;
  /** Bytes freed if the group's leak roots were (each counted once). */
  readonly retainedSize: number;
  /** The leak roots' own sizes. */
  readonly shallowSize: number;
  /** From the GC roots to the leak root that retains most (the first of `sampleIds`). */
  readonly retainerPath: readonly LeakPathStep[];
  /**
   * The same path on one line: `global → sessions (Map) → table → [42] → Session @1234`; from a
   * module's suspended top level when the path runs through it (`app.mjs (top level) → context → …`).
   */
  readonly retainerPathText: string;
  /** What the leak roots keep alive, biggest first: classes with counts and retained bytes. */
  readonly retains: readonly { readonly className: string; readonly count: number; readonly retainedSize: number }[];
  /** Where the leak roots were allocated, when the last snapshot tracked allocations. */
  readonly allocationStacks?: readonly AllocationStack[];
  /** Live objects of class `name` in each snapshot, oldest first. */
  readonly liveCounts: readonly number[];
  /**
   * Objects of the group allocated in each round (between two snapshots), oldest first: one
   * fewer than snapshots. Its leak roots, and the new objects of their own class they hold (the
   * nodes of a growing linked list, whose one root is its newest node).
   */
  readonly allocatedPerRound: readonly number[];
  /** Ids of some leak roots (the biggest first), to look at with `heapdiff inspect`. */
  readonly sampleIds: readonly number[];
  /** Every leak root's id, in the order of `sampleIds`: only with the option `allIds`. */
  readonly ids?: readonly number[];
}

/** The result of `findLeaks`. */
export interface LeakReport {
  /** Groups that grow: leaked in the first and the last round, more alive at the end. Biggest first. */
  readonly leaks: readonly LeakGroup[];
  /** New and alive but not growing (a cache that filled once, a lazily made object). Biggest first. */
  readonly bounded: readonly LeakGroup[];
  /** Leaks the options left out (`ignore`, `minCount`, `minRetainedSize`). */
  readonly leftOut: number;
  /** Of `leftOut`, how many each option left out (the first that applies, in this order). */
  readonly leftOutBy: { readonly ignore: number; readonly minCount: number; readonly minRetainedSize: number };
  /** Objects allocated after the first snapshot and alive in the last. */
  readonly leakedObjects: number;
  readonly snapshots: readonly { readonly nodeCount: number; readonly maxJsNodeId: number }[];
}

export interface LeakOptions {
  /** Leave out groups whose class or holder (its class, its name: `Function`, `listener`) matches one of these (text: a case-insensitive substring). */
  ignore?: readonly (string | RegExp)[];
  /** Report only groups with at least this many leak roots (default 1). */
  minCount?: number;
  /** Report only groups retaining at least this many bytes (default 0). */
  minRetainedSize?: number;
  /** How many retained classes to list per group (default 5). */
  retainsTop?: number;
  /** Also list every leak root's id per group (`ids`), to browse them all (default false). */
  allIds?: boolean;
  /** What errors call the snapshots, in order (their file names): `s2.heapsnapshot (snapshot 3)`. Default `snapshot 3`. */
  names?: readonly string[];
}

/**
 * Finds what leaks across a series of snapshots of one process, taken between rounds of the
 * same work (the usual three: baseline, target, final). The leaked objects are those allocated
 * after the first snapshot and alive in the last; they are reduced to leak roots (leaked objects
 * whose immediate dominator is not leaked), named after the program's class a person would fix
 * (a Timeout, closure, promise or array holding a `PollingJob` is reported as `PollingJob`, held
 * by it), and grouped by that class, the holder and the retainer path (indexes, keys and list
 * lengths aside). A group is a leak when it grows: roots allocated in the first and the last
 * round are still alive and its class has more live objects at the end than after each earlier
 * round; other groups are `bounded` (a cache that filled once, a lazily created singleton).
 *
 * Every snapshot but the last may be a census (`takeCensus`), so only the last is kept whole.
 *
 * @example
 * const s0 = takeCensus(await parseSnapshot('s0.heapsnapshot'))
 * const s1 = takeCensus(await parseSnapshot('s1.heapsnapshot'))
 * const report = findLeaks([s0, s1, await parseSnapshot('s2.heapsnapshot')])
 * for (const leak of report.leaks) console.log(leak.name, leak.count, leak.retainerPathText)
 */
export function findLeaks(series: readonly (HeapGraph | SnapshotCensus)[], options: LeakOptions = {}): LeakReport {
  if (!Array.isArray(series)) throw new TypeError(`findLeaks: takes an array of snapshots (graphs or censuses), got ${String(series)}`);
  if (series.length < 3) {
    throw new TypeError(`findLeaks: needs at least 3 snapshots (a baseline, then one after each of at least two rounds of the same work), got ${series.length}`);
  }
  for (const [k, s] of series.entries()) {
    if (!(s instanceof HeapGraph) && !(s?.classOf instanceof Uint32Array)) throw new TypeError(`findLeaks: snapshot ${k + 1} is neither a graph (parseSnapshot) nor a census (takeCensus): ${String(s)}`);
  }
  if (options === null || typeof options !== 'object') throw new TypeError(`findLeaks: options must be an object, got ${shown(options)}`);
  for (const [name, value] of [['minCount', options.minCount], ['minRetainedSize', options.minRetainedSize]] as const) {
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) throw new TypeError(`findLeaks: ${name} must be a number from 0, got ${shown(value)}`);
  }
  if (options.ignore !== undefined) {
    if (!Array.isArray(options.ignore)) throw new TypeError(`findLeaks: ignore must be an array of strings or RegExps, got ${shown(options.ignore)}`);
    for (const pattern of options.ignore) {
      if (pattern instanceof RegExp) continue;
      if (typeof pattern !== 'string') throw new TypeError(`findLeaks: ignore must hold strings or RegExps, got ${shown(pattern)}`);
      if (pattern.trim() === '') throw new TypeError('findLeaks: ignore holds an empty string, which would leave out every leak');
    }
  }
  if (options.names !== undefined && !(Array.isArray(options.names) && options.names.every((name) => typeof name === 'string'))) {
    throw new TypeError(`findLeaks: names must be an array of strings, got ${String(options.names)}`);
  }
  const label = (k: number): string => (options.names?.[k] === undefined ? `snapshot ${k + 1}` : `${options.names[k]} (snapshot ${k + 1})`);
  const graph = series[series.length - 1];
  if (!(graph instanceof HeapGraph)) throw new TypeError('findLeaks: the last snapshot must be a loaded graph (parseSnapshot), the earlier ones may be censuses');
  const maxIds = series.map((s) => s.maxJsNodeId);
  for (let k = 1; k < maxIds.length; k++) {
    if (maxIds[k]! < maxIds[k - 1]!) {
      throw new SnapshotsUnrelatedError(
        `${label(k)} has older objects (ids up to @${maxIds[k]}) than ${label(k - 1)} (up to @${maxIds[k - 1]}): ` +
          `give the snapshots of one process, oldest first; if they are, the heap profiler was reset between them: ${SnapshotsUnrelatedError.ADVICE}`,
      );
    }
    if (maxIds[k] === maxIds[k - 1] && series[k]!.nodeCount === series[k - 1]!.nodeCount) {
      // V8 numbers new objects as it meets them: a round of work leaves a newer id behind.
      throw new SnapshotsUnrelatedError(
        `${label(k - 1)} and ${label(k)} hold the same objects (${series[k]!.nodeCount} nodes, the newest @${maxIds[k]}): ` +
          'the same snapshot given twice, or a process that did nothing between them; give one snapshot after each round of work, oldest first',
      );
    }
  }
  checkSameProcess(series.slice(0, -1), graph, label);
  const keys = classKeys(graph);
  const kinds = classKinds(graph);
  const { retainedSizes, firstDominated, dominated, dominators } = dominatorTree(graph);
  const shallow = shallowSizes(graph);
  const { leaked, roots, tops, holders, anchors } = leakRoots(graph, maxIds[0]!, {
    isHolder: (n) => !kinds.isUser(keys.keyOf[n]!) && !kinds.isPrimitive(keys.keyOf[n]!),
    isPrimitive: (n) => kinds.isPrimitive(keys.keyOf[n]!),
    isInternal: (n) => kinds.isInternal(keys.keyOf[n]!),
    isLibrary: (n) => kinds.isLibrary(keys.keyOf[n]!),
    isProgramClass: (n) => kinds.isProgramClass(keys.keyOf[n]!),
  });
  let leakedObjects = 0;
  for (let n = 0; n < graph.nodeCount; n++) leakedObjects += leaked[n]!;

  const rootIndex = new Map<number, number>();
  roots.forEach((root, i) => rootIndex.set(root, i));
  // Name each root: its own class; a built-in root (nothing of the program's inside it, or
  // only the engine's) by its own class, or else by the biggest class it holds.
  const named = new Int32Array(roots.length);
  const heldBy = new Int32Array(roots.length).fill(-1);
  for (let i = 0; i < roots.length; i++) {
    const root = roots[i]!;
    const own = keys.keyOf[root]!;
    if (holders[i]! >= 0) heldBy[i] = keys.keyOf[holders[i]!]!;
    if (!kinds.isInternal(own)) {
      named[i] = own;
      continue;
    }
    const inside = biggestInside(root, (k) => !kinds.isInternal(k));
    named[i] = inside ?? -1;
    if (inside !== undefined) heldBy[i] = own;
  }

  // Group by (name, holder, the path to where the leak hangs on old memory).
  const signatures = new PathSignatures(graph);
  const groupIds = new Map<string, number>();
  const groupOfRoot = new Int32Array(roots.length).fill(-1);
  const groupInfo: { named: number; heldBy: number; signature: number }[] = [];
  for (let i = 0; i < roots.length; i++) {
    if (named[i]! < 0) continue;
    const signature = signatures.of(anchors[i]!);
    const text = `${named[i]} ${heldBy[i]} ${signature}`;
    let g = groupIds.get(text);
    if (g === undefined) {
      g = groupInfo.length;
      groupInfo.push({ named: named[i]!, heldBy: heldBy[i]!, signature });
      groupIds.set(text, g);
    }
    groupOfRoot[i] = g;
  }
  // A group that names no class of the program (strings, a closure or an array with nothing of
  // the program's inside) folds into the program's group held the same way, if there is one:
  // a Map's keys beside its values, a promise's reject handler beside the frame it resumes;
  // else into a group of Node's library held that way (a request a listener keeps, beside the
  // request id the same closure keeps).
  // A group of Node's library folds into a group of a class the program defines held the same
  // way: a listener that keeps each request's response and the program's context for it is one
  // leak, named after the context (the class to go and fix), not two with the response first.
  const userGroupBySignature = new Map<number, number>();
  const libraryGroupBySignature = new Map<number, number>();
  const programGroupBySignature = new Map<number, number>();
  groupInfo.forEach((info, g) => {
    const bySignature = kinds.isUser(info.named) ? userGroupBySignature : kinds.isLibrary(info.named) ? libraryGroupBySignature : undefined;
    if (bySignature && !bySignature.has(info.signature)) bySignature.set(info.signature, g);
    if (kinds.isProgramClass(info.named) && !programGroupBySignature.has(info.signature)) programGroupBySignature.set(info.signature, g);
  });
  const libraryInto = (g: number): number => programGroupBySignature.get(groupInfo[g]!.signature) ?? g;
  const mergedInto = groupInfo.map((info, g) => {
    if (kinds.isUser(info.named)) return g;
    if (kinds.isLibrary(info.named)) return libraryInto(g);
    const user = userGroupBySignature.get(info.signature);
    if (user !== undefined) return user;
    const library = libraryGroupBySignature.get(info.signature);
    return library === undefined ? g : libraryInto(library);
  });
  // Per group: counts, sizes, rounds, what it retains.
  const groupCount = groupInfo.length;
  const count = new Float64Array(groupCount);
  const shallowSize = new Float64Array(groupCount);
  const perRound = groupInfo.map(() => new Float64Array(series.length - 1));
  const retains = groupInfo.map(() => new Map<number, { count: number; retainedSize: number }>());
  const members: number[][] = groupInfo.map(() => []);
  // Read for members only (written below): a work array of the graph's, handed back after the walk.
  const groupKeyOf = scratchArrays(graph).take(graph.nodeCount);
  const membership = new Uint8Array(graph.nodeCount);
  for (let i = 0; i < roots.length; i++) {
    const own = groupOfRoot[i]!;
    if (own < 0) continue;
    const g = mergedInto[own]!;
    const root = roots[i]!;
    const top = tops[i]!;
    membership[top] = Membership.Member;
    groupKeyOf[top] = g;
    const retained = retains[g]!;
    if (g !== own) {
      // A root of a group folded into the program's group: it is what that group also keeps.
      const k = keys.keyOf[root]!;
      const entry = retained.get(k) ?? { count: 0, retainedSize: 0 };
      retained.set(k, { count: entry.count + 1, retainedSize: entry.retainedSize + retainedSizes[root]! });
      continue;
    }
    members[g]!.push(root);
    count[g]!++;
    shallowSize[g]! += shallow[root]!;
    perRound[g]![roundOf(graph.nodeId(root))]!++;
    // A root of the group's own class counts the new objects of that class it holds too: a
    // linked list that grows has one root, its newest node, over the nodes of every round.
    // (Not a string: the parts of a concatenated one are no rounds of their own.)
    const named = groupInfo[g]!.named;
    const sameClass = keys.keyOf[root] === named && !STRING_CLASSES.includes(keys.names[named]!) ? named : -1;
    countDominated(top, retained, top !== root, { root, sameClass, rounds: perRound[g]! });
  }
  // The walk goes only where the members are: what has none below it is left out.
  for (let n = 0; n < graph.nodeCount; n++) if (membership[n] !== Membership.Member) membership[n] = Membership.Pruned;
  for (const top of tops) {
    for (let at = top, up = dominators[at]!; up !== at && membership[up] !== Membership.Outside; at = up, up = dominators[at]!) {
      if (membership[up] === Membership.Pruned) membership[up] = Membership.Outside;
    }
  }
  const { retained: groupRetained, biggest } = classRetainedSizes(treeOf(graph), { keyOf: groupKeyOf, classCount: groupCount, shallow, membership });
  scratchArrays(graph).give(groupKeyOf);

  // Live objects of each group's class in every snapshot.
  // (An earlier snapshot given as a graph is read through its census.)
  const countsByKey = series.map((s) =>
    s === graph ? liveByKey(graph) : liveByCensus(s instanceof HeapGraph ? takeCensus(s, { perNode: false }) : s, keys.shapes),
  );
  // Each group's most frequent allocation stacks (of its leak roots).
  const stackOf = graph.traceTree && graph.traceTree.count > 0 ? allocationStackReader(graph) : undefined;
  const stacks = stackOf && members.map((nodes) => allocationStacksOf(graph, nodes, 3, stackOf));

  const leaks: LeakGroup[] = [];
  const bounded: LeakGroup[] = [];
  const leftOutBy = { ignore: 0, minCount: 0, minRetainedSize: 0 };
  // A RegExp's `g` or `y` flag would carry `lastIndex` from one test to the next: dropped.
  const ignore = (options.ignore ?? []).map((p) => (typeof p === 'string' ? new RegExp(escapeRegExp(p), 'i') : new RegExp(p.source, p.flags.replace(/[gy]/g, ''))));
  const distances = nodeDistances(graph);
  for (let g = 0; g < groupCount; g++) {
    if (mergedInto[g] !== g || count[g] === 0) continue;
    const info = groupInfo[g]!;
    // A leak of strings reads as `(string)`, whatever their representation, and counts them all.
    const strings = STRING_CLASSES.includes(keys.names[info.named]!);
    const counted = strings ? STRING_CLASSES.map((name) => `,${name}`) : [keys.durable[info.named]!];
    const liveCounts = countsByKey.map((byKey) => counted.reduce((sum, key) => sum + (byKey.get(key) ?? 0), 0));
    const rounds = Array.from(perRound[g]!);
    // The representative: the leak root nearest the GC roots (the shortest path to read), the
    // one that retains most among those, the first in the snapshot among equals.
    const sample = members[g]!
      .filter((n) => keys.keyOf[n] === info.named)
      .sort((a, b) => distances[a]! - distances[b]! || retainedSizes[b]! - retainedSizes[a]! || a - b);
    const path = retainerPath(graph, sample[0] ?? biggest[g]!);
    const location = keys.locations[info.named];
    const holderName = holderNameOf(sample[0]);
    const group: LeakGroup = {
      name: strings ? '(string)' : keys.names[info.named]!,
      ...(location ? { location } : {}),
      ...(info.heldBy >= 0 ? { heldBy: keys.names[info.heldBy]! } : {}),
      ...(holderName ? { holderName } : {}),
      count: count[g]!,
      retainedSize: groupRetained[g]!,
      shallowSize: shallowSize[g]!,
      retainerPath: path.map((step) => ({ edge: edgeLabel(graph, step.edge), className: readableClassName(graph, step.to), id: graph.nodeId(step.to) })),
      retainerPathText: readablePath(graph, path, maxIds[0]!),
      retains: [...retains[g]!]
        .map(([k, v]) => ({ className: keys.names[k]!, ...v }))
        .sort((a, b) => b.retainedSize - a.retainedSize || b.count - a.count)
        .slice(0, options.retainsTop ?? 5),
      ...(stacks ? { allocationStacks: stacks[g]! } : {}),
      liveCounts,
      allocatedPerRound: rounds,
      sampleIds: sample.slice(0, 10).map((n) => graph.nodeId(n)),
      ...(options.allIds ? { ids: sample.map((n) => graph.nodeId(n)) } : {}),
    };
    const growing = grows(liveCounts, rounds);
    // The holder as a report shows it (`held by Function listener`): its class, its name, both.
    const holder = [group.heldBy, group.holderName].filter((part): part is string => part !== undefined);
    const texts = [group.name, ...holder, ...(holder.length > 1 ? [holder.join(' ')] : [])];
    const reason = ignore.some((re) => texts.some((text) => re.test(text)))
      ? 'ignore'
      : group.count < (options.minCount ?? 1)
        ? 'minCount'
        : group.retainedSize < (options.minRetainedSize ?? 0)
          ? 'minRetainedSize'
          : undefined;
    if (reason) {
      if (growing) leftOutBy[reason]++;
      continue;
    }
    (growing ? leaks : bounded).push(group);
  }
  const byRetained = (a: LeakGroup, b: LeakGroup): number => b.retainedSize - a.retainedSize || b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  leaks.sort(byRetained);
  bounded.sort(byRetained);
  const leftOut = leftOutBy.ignore + leftOutBy.minCount + leftOutBy.minRetainedSize;
  return { leaks, bounded, leftOut, leftOutBy, leakedObjects, snapshots: series.map((s) => ({ nodeCount: s.nodeCount, maxJsNodeId: s.maxJsNodeId })) };

  /** The name of the built-in holding `root`: a closure's function, or the async function a generator suspends. */
  function holderNameOf(root: number | undefined): string | undefined {
    const i = root === undefined ? -1 : rootIndex.get(root) ?? -1;
    const holder = i < 0 ? -1 : holders[i]!;
    if (holder < 0) return undefined;
    const type = graph.nodeType(holder);
    if (type === 'closure') return graph.nodeName(holder) || undefined;
    const fn = namedEdgeTarget(graph, holder, graph.strings.indexOf('function'));
    if (fn >= 0 && graph.nodeType(fn) === 'closure' && graph.nodeName(fn)) return `${graph.nodeName(fn)} (awaiting)`;
    return undefined;
  }

  /** The class (key) with the most retained bytes among the nodes `root` dominates that `wanted` accepts. */
  function biggestInside(root: number, wanted: (key: number) => boolean): number | undefined {
    const totals = new Map<number, number>();
    const stack = [root];
    let visited = 0;
    while (stack.length > 0 && visited < 100_000) {
      const n = stack.pop()!;
      visited++;
      const k = keys.keyOf[n]!;
      if (n !== root && shallow[n]! > 0 && wanted(k)) {
        totals.set(k, (totals.get(k) ?? 0) + retainedSizes[n]!);
        continue; // what it holds is its own
      }
      for (let i = firstDominated[n]!; i < firstDominated[n + 1]!; i++) stack.push(dominated[i]!);
    }
    let best: number | undefined;
    for (const [k, size] of totals) if (best === undefined || size > totals.get(best)!) best = k;
    return best;
  }

  /** The round (between snapshots `round` and `round + 1`) a new object's id was given in. */
  function roundOf(id: number): number {
    let round = 0;
    while (round < maxIds.length - 2 && id > maxIds[round + 1]!) round++;
    return round;
  }

  /**
   * Adds every node `top` dominates (and itself, with `withTop`) to `into`, by class; and to
   * `rounds`, by the round it was made in, each new object of class `sameClass` but `root`.
   */
  function countDominated(
    top: number,
    into: Map<number, { count: number; retainedSize: number }>,
    withTop: boolean,
    own: { root: number; sameClass: number; rounds: Float64Array },
  ): void {
    const stack: number[] = [];
    if (withTop) stack.push(top);
    else for (let i = firstDominated[top]!; i < firstDominated[top + 1]!; i++) stack.push(dominated[i]!);
    while (stack.length > 0) {
      const n = stack.pop()!;
      const k = keys.keyOf[n]!;
      if (shallow[n]! > 0 && !kinds.isInternal(k)) {
        if (k === own.sameClass && n !== own.root) {
          const id = graph.nodeId(n);
          if ((id & 1) === 1 && id > maxIds[0]!) own.rounds[roundOf(id)]!++;
        }
        const entry = into.get(k);
        if (entry) {
          entry.count++;
          entry.retainedSize += shallow[n]!;
        } else into.set(k, { count: 1, retainedSize: shallow[n]! });
      }
      for (let i = firstDominated[n]!; i < firstDominated[n + 1]!; i++) stack.push(dominated[i]!);
    }
  }
}

/**
 * Growth: roots allocated in the first round and in the last are still alive (a leak keeps
 * some of every round; a cache emptied now and then keeps none of the first; a singleton made
 * once none of the last), and the class has more live objects at the end than after the round
 * before and after the first round (a bounded cache holds as many at each snapshot).
 */
function grows(liveCounts: readonly number[], rounds: readonly number[]): boolean {
  const last = liveCounts.length - 1;
  return rounds[0]! > 0 && rounds[rounds.length - 1]! > 0 && liveCounts[last]! > liveCounts[last - 1]! && liveCounts[last]! > liveCounts[1]!;
}

/** Live objects (non-zero size) per class key of a loaded graph. */
const LIVE_BY_KEY = new AnalysisKey<Map<string, number>>('live objects per class key');

/**
 * The work of `findLeaks` on the last snapshot that needs neither its dominator tree nor its
 * distances — its classes' kinds, what Node renewed on its own, the live objects per class —
 * done now and kept on the graph: for the time this thread waits for `analyzeGraph`'s workers.
 *
 * @example
 * await analyzeGraph(last, { alongside: () => prepareLeaks(last) })
 * const report = findLeaks([s0, s1, last])
 */
export function prepareLeaks(graph: HeapGraph): void {
  if (!(graph instanceof HeapGraph)) throw new TypeError(`prepareLeaks: takes a loaded snapshot (parseSnapshot's graph), got ${String(graph)}`);
  classKinds(graph);
  nodeRenewals(graph);
  liveByKey(graph);
}

/** Live objects of each class (by durable key) of the graph: kept on it. */
function liveByKey(graph: HeapGraph): Map<string, number> {
  return graph.analyses.get(LIVE_BY_KEY, () => countLiveByKey(graph));
}

function countLiveByKey(graph: HeapGraph): Map<string, number> {
  const keys = classKeys(graph);
  const shallow = shallowSizes(graph);
  const counts = new Float64Array(keys.names.length);
  for (let n = 0; n < graph.nodeCount; n++) if (shallow[n]! > 0) counts[keys.keyOf[n]!]!++;
  const byKey = new Map<string, number>();
  keys.durable.forEach((key, k) => counts[k]! > 0 && byKey.set(key, (byKey.get(key) ?? 0) + counts[k]!));
  return byKey;
}

/** Live objects per class key of a census, plain objects named by the last snapshot's shapes. */
function liveByCensus(census: SnapshotCensus, shapes: Parameters<typeof censusClassKeys>[1]): Map<string, number> {
  const { keys } = censusClassKeys(census, shapes);
  const byKey = new Map<string, number>();
  keys.forEach((key, k) => census.classCounts[k]! > 0 && byKey.set(key, (byKey.get(key) ?? 0) + census.classCounts[k]!));
  return byKey;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
