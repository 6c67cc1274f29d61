import { dominatorTree } from '../analysis/dominators.js';
import { NO_DISTANCE, nodeDistances } from '../analysis/distances.js';
import { shallowSizes } from '../analysis/shallow-sizes.js';
import type { HeapGraph } from '../graph/heap-graph.js';
import { scratchArrays } from '../graph/scratch-arrays.js';
import { nodeRenewals } from '../diff/node-renewals.js';

/**
 * Node types never counted as leaked: the engine's bookkeeping (code, shapes, `(system)` and
 * `(array)` parts) and native memory, whose ids V8 gives only when it snapshots. Their sizes
 * still count in their owners' retained sizes.
 */
const ENGINE_TYPES = new Set(['hidden', 'code', 'object shape', 'synthetic', 'array', 'native']);

/**
 * Node types whose hold on a new string or number is the engine's alone (see
 * `leakRoots`): compiled code (a function's scope info), shapes, the engine's roots (the
 * interned strings).
 */
const ENGINE_HOLDER_TYPES_OF_PRIMITIVES = new Set(['code', 'object shape', 'synthetic']);
/** What holds an object for the engine alone: an allocation site (its boilerplate array or object literal). */
const ALLOCATION_SITE = 'system / AllocationSite';

/** How leak detection reads a node's class (see leak-naming.ts). */
export interface NodeKinds {
  /** A built-in holder (a closure, its context, an array, a Map, a timer, a promise…): looked through. */
  isHolder(node: number): boolean;
  /** Strings, numbers: part of a leak when only leaked objects hold them. */
  isPrimitive(node: number): boolean;
  /** The engine's own (`system / Context`, `(system)`): looked through, never named as the holder. */
  isInternal(node: number): boolean;
  /**
   * An object of Node's own library (`IncomingMessage`, `Socket`): a holder when it holds a
   * leaked object of the program's classes, else a candidate root (its event table and headers
   * are its own, not the program's).
   */
  isLibrary(node: number): boolean;
  /** An object of a class the program defines (a constructor in its own scripts; not a plain object). */
  isProgramClass(node: number): boolean;
}

/** The leak roots of the last snapshot, each with what holds it and where it hangs on old memory. */
export interface LeakRoots {
  /** 1 for a leaked node: allocated after the baseline (odd id above it), alive, not the engine's. */
  readonly leaked: Uint8Array;
  /** The leak roots: see `leakRoots`. */
  readonly roots: Uint32Array;
  /** Per root: the outermost leaked node that holds only this root (its memory counts with it), or the root. */
  readonly tops: Uint32Array;
  /** Per root: the built-in that holds it — the outermost one holding only this root, else the nearest — or -1. */
  readonly holders: Int32Array;
  /** Per root: its nearest dominator that is neither leaked nor a new engine part: where the leak hangs on old memory. */
  readonly anchors: Uint32Array;
}

/**
 * The objects of `graph` allocated after the snapshot whose highest object id was `baselineId`
 * (V8 gives JavaScript objects odd ids in allocation order) and still reachable — without the
 * engine's own, what Node renews by itself (node-renewals.ts) and heapdiff's own — reduced to
 * the leak roots: the leaked objects of the program's classes (and strings and numbers) that
 * no other such leaked object dominates. Built-in holders between them (a timer, a closure and
 * its context, a new array or Map that holds them all) are looked through, so that a leak is
 * counted by what it keeps, not by the one new container that happens to hold it; a built-in
 * with nothing of the program's inside is a root itself. Strings and numbers held only by
 * leaked objects (shared between two of them) are part of those, not roots.
 */
export function leakRoots(graph: HeapGraph, baselineId: number, kinds: NodeKinds): LeakRoots {
  const distances = nodeDistances(graph);
  const shallow = shallowSizes(graph);
  const { dominators, firstDominated, dominated } = dominatorTree(graph);
  const engine = new Uint8Array(graph.layout.nodeTypes.length);
  graph.layout.nodeTypes.forEach((type, i) => (engine[i] = ENGINE_TYPES.has(type) ? 1 : 0));
  const primitiveHolderType = Uint8Array.from(graph.layout.nodeTypes, (type) => (ENGINE_HOLDER_TYPES_OF_PRIMITIVES.has(type) ? 1 : 0));
  const codeType = graph.layout.nodeTypes.indexOf('code');
  const holdsForEngine = (holder: number): boolean => graph.nodeTypeIndex(holder) === codeType && graph.nodeName(holder) === ALLOCATION_SITE;
  const holdsPrimitiveForEngine = (holder: number): boolean => primitiveHolderType[graph.nodeTypeIndex(holder)] === 1;
  const leaked = new Uint8Array(graph.nodeCount);
  // 0: looked through (a new engine part, or a leaked built-in holder); 1: a candidate root; 2: neither.
  const role = new Uint8Array(graph.nodeCount);
  const fields = graph.layout.nodeFieldCount;
  const [idAt, typeAt] = [graph.layout.nodeIdOffset, graph.layout.nodeTypeOffset];
  const nodes = graph.nodes;
  // The leaked nodes, in order (some are let go below, and read as not leaked from then on).
  const scratch = scratchArrays(graph);
  const list = scratch.take(graph.nodeCount);
  let listed = 0;
  for (let n = 0, base = 0; n < graph.nodeCount; n++, base += fields) {
    const id = nodes[base + idAt]!;
    const isNew = (id & 1) === 1 && id > baselineId;
    if (isNew && engine[nodes[base + typeAt]!]) continue; // role 0
    role[n] = 2;
    if (!isNew || shallow[n] === 0 || distances[n] === NO_DISTANCE) continue;
    leaked[n] = 1;
    list[listed++] = n;
  }
  for (const n of nodeRenewals(graph)) leaked[n] = 0;
  const own = leaveOutOwnObjects(graph, leaked);
  // What a running frame's stack alone holds (a local of the function writing the snapshot) is
  // not kept; a string there with its parts (the file name it was given, built by
  // concatenation). (Not all an object there holds: a script's top-level loop keeps its state
  // in such locals.)
  const stringTypes = new Set(['string', 'concatenated string', 'sliced string'].map((t) => graph.layout.nodeTypes.indexOf(t)));
  for (const n of heldByStackOnly(graph, firstDominated, dominated)) {
    if (stringTypes.has(graph.nodeTypeIndex(n))) clearDominated(n, leaked, firstDominated, dominated);
    else leaked[n] = 0;
  }
  let kept = 0;
  for (let i = 0; i < listed; i++) {
    const n = list[i]!;
    if (!leaked[n]) continue;
    list[kept++] = n;
    role[n] = kinds.isHolder(n) ? 0 : 1;
  }
  const leakedNodes = list.subarray(0, kept);

  // Bottom up: whether a leaked object of the program's classes sits below (a library object
  // above one is looked through, one above none is a candidate), then whether a candidate does.
  // Only the leaked nodes' ways up the dominator tree are walked, not the whole tree.
  const programBelow = new Uint8Array(graph.nodeCount);
  for (const n of leakedNodes) if (kinds.isProgramClass(n)) markAncestors(n, dominators, programBelow);
  for (const n of leakedNodes) if (role[n] === 0 && !programBelow[n] && kinds.isLibrary(n)) role[n] = 1;
  const candidateBelow = new Uint8Array(graph.nodeCount);
  for (const n of leakedNodes) if (role[n] === 1) markAncestors(n, dominators, candidateBelow);
  // The outermost new built-in that holds heapdiff's own object and nothing of the program's
  // (the closure and context its capture code made) is heapdiff's too, with all it holds.
  for (const n of own) {
    let outer = -1;
    for (let at = dominators[n]!; at !== graph.rootOrdinal && leaked[at] && role[at] === 0 && !candidateBelow[at]; at = dominators[at]!) outer = at;
    if (outer >= 0) clearDominated(outer, leaked, firstDominated, dominated);
  }
  // The roots: on each way down the dominator tree, the first candidate, or the first leaked
  // holder with no candidate below (which keeps all below it) — a "stop" with none above it.
  const stops = (n: number): boolean => leaked[n] === 1 && (role[n] === 1 || candidateBelow[n] === 0);
  const path = scratch.take(graph.nodeCount);
  const above = new Uint8Array(graph.nodeCount);
  const roots: number[] = [];
  for (const n of leakedNodes) {
    if (!stops(n) || stopAbove(n, dominators, stops, above, path)) continue;
    const primitive = kinds.isPrimitive(n);
    // Strings and numbers only leaked objects hold are part of those. What only the engine holds
    // (a string V8 keeps in a function's scope info when it compiles it lazily, an allocation
    // site's boilerplate array) is new and alive but not the program's.
    if (primitive && heldOnlyBy(graph, n, (holder) => leaked[holder] === 1)) continue;
    if (heldOnlyBy(graph, n, primitive ? holdsPrimitiveForEngine : holdsForEngine)) continue;
    roots.push(n);
  }
  scratch.give(path);
  scratch.give(list);

  // Each root's way up to where it hangs on old memory (its anchor): the built-ins looked
  // through above it. Counted per node first: how many roots' ways pass it (2: more than one).
  const isAbove = (at: number): boolean => at !== graph.rootOrdinal && role[at] === 0;
  const { firstRetainer, retainerNodes } = graph.retainers;
  const rootsHeld = new Uint8Array(graph.nodeCount);
  for (const root of roots) for (let at = dominators[root]!; isAbove(at); at = dominators[at]!) if (rootsHeld[at]! < 2) rootsHeld[at]!++;
  const tops = new Uint32Array(roots.length);
  const holders = new Int32Array(roots.length).fill(-1);
  const anchors = new Uint32Array(roots.length);
  roots.forEach((root, i) => {
    let top = root;
    let holder = -1;
    let nearest = -1;
    let at = dominators[root]!;
    for (; isAbove(at); at = dominators[at]!) {
      const own = rootsHeld[at] === 1;
      if (own && leaked[at]) top = at;
      if (leaked[at] && kinds.isHolder(at) && !kinds.isInternal(at)) {
        if (nearest < 0) nearest = at;
        if (own) holder = at;
      }
    }
    // A string or number shared by old and new holders (a Map's key, which the leaked value
    // also names) is dominated only high up, where the ways of both meet: it hangs where its
    // shortest way from the roots does, as the object beside it in the same table.
    anchors[i] = kinds.isPrimitive(root) ? anchorOnPath(root) : at;
    tops[i] = top;
    holders[i] = holder >= 0 ? holder : nearest;
  });
  return { leaked, roots: Uint32Array.from(roots), tops, holders, anchors };

  /**
   * The first node on a shortest way from `node` to the roots that is old memory: neither
   * leaked nor looked through (see `isAbove`). Each step takes the first retainer one closer
   * to the roots (by the retainer index alone: finding the edges themselves would scan every
   * edge of a big table that holds the node, at each step).
   */
  function anchorOnPath(node: number): number {
    const closer = (n: number): number => {
      const want = distances[n]! - 1;
      for (let i = firstRetainer[n]!; i < firstRetainer[n + 1]!; i++) if (distances[retainerNodes[i]!] === want) return retainerNodes[i]!;
      return graph.rootOrdinal;
    };
    let at = closer(node);
    while (isAbove(at) || (at !== graph.rootOrdinal && leaked[at] === 1)) at = closer(at);
    return at;
  }
}

/**
 * Marks every node above `node` in the dominator tree (not `node` itself), up to the first one
 * marked already: marks are only ever made up to the root, so all above that one are too.
 */
function markAncestors(node: number, dominators: Uint32Array, marks: Uint8Array): void {
  for (let at = node, up = dominators[at]!; up !== at && !marks[up]; at = up, up = dominators[at]!) marks[up] = 1;
}

/**
 * Whether a node above `node` in the dominator tree `stops` (see leakRoots), remembered in
 * `above` for every node passed on the way (0 not known yet, 1 no, 2 yes): each is walked once.
 * `path` is work space, one value per node.
 */
function stopAbove(node: number, dominators: Uint32Array, stops: (n: number) => boolean, above: Uint8Array, path: Uint32Array): boolean {
  let length = 0;
  let result = 0;
  for (let at = node; ; ) {
    if (above[at] !== 0) {
      result = above[at]!;
      break;
    }
    const up = dominators[at]!;
    if (up === at) {
      result = above[at] = 1;
      break;
    }
    path[length++] = at;
    if (stops(up)) {
      result = 2;
      break;
    }
    at = up;
  }
  // Every node on the way has the same answer: none of those passed stops.
  for (let i = 0; i < length; i++) above[path[i]!] = result;
  return result === 2;
}

/**
 * Whether `node` has retainers and `holds` accepts every one. (Retainers by weak edges count
 * too: looking up each edge's type would scan every edge of a big table that holds the node,
 * for each node.)
 */
function heldOnlyBy(graph: HeapGraph, node: number, holds: (holder: number) => boolean): boolean {
  const { firstRetainer, retainerNodes } = graph.retainers;
  const from = firstRetainer[node]!;
  const to = firstRetainer[node + 1]!;
  for (let i = from; i < to; i++) if (!holds(retainerNodes[i]!)) return false;
  return to > from;
}

/** Nodes the `(Stack roots)` or `(Handle scope)` root dominates directly: a running call's locals. */
function heldByStackOnly(graph: HeapGraph, firstDominated: Uint32Array, dominated: Uint32Array): number[] {
  const synthetic = graph.layout.nodeTypes.indexOf('synthetic');
  const stackRoots = new Set<number>();
  for (let e = graph.firstEdge[graph.rootOrdinal]!; e < graph.firstEdge[graph.rootOrdinal + 1]!; e++) {
    const gcRoots = graph.edgeTarget(e);
    for (let f = graph.firstEdge[gcRoots]!; f < graph.firstEdge[gcRoots + 1]!; f++) {
      const r = graph.edgeTarget(f);
      if (graph.nodeTypeIndex(r) !== synthetic) continue;
      const name = graph.nodeName(r);
      if (name === '(Stack roots)' || name === '(Handle scope)') stackRoots.add(r);
    }
  }
  // Their children in the dominator tree.
  const held: number[] = [];
  for (const r of stackRoots) for (let i = firstDominated[r]!; i < firstDominated[r + 1]!; i++) held.push(dominated[i]!);
  return held;
}

/**
 * heapdiff's own objects in a program that uses it (a mark, a snapshot being written: marked
 * with a symbol property V8 names `<symbol heapdiff.own.…>`, see capture/own-marker.ts), and
 * all that only they hold, are not the program's leaks. Returns the marked objects.
 */
function leaveOutOwnObjects(graph: HeapGraph, leaked: Uint8Array): number[] {
  const markers = new Set(graph.strings.indexesContaining('heapdiff.own.').filter((s) => graph.strings.startsWith(s, '<symbol heapdiff.own.')));
  const marked: number[] = [];
  if (markers.size === 0) return marked;
  const property = graph.layout.edgeTypes.indexOf('property');
  const { firstDominated, dominated } = dominatorTree(graph);
  for (let n = 0; n < graph.nodeCount; n++) {
    for (let e = graph.firstEdge[n]!; e < graph.firstEdge[n + 1]!; e++) {
      if (graph.edgeTypeIndex(e) === property && markers.has(graph.edgeNameOrIndex(e))) {
        marked.push(n);
        break;
      }
    }
  }
  for (const n of marked) clearDominated(n, leaked, firstDominated, dominated);
  return marked;
}

/** Marks `node` and all it dominates as not leaked. */
function clearDominated(node: number, leaked: Uint8Array, firstDominated: Uint32Array, dominated: Uint32Array): void {
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    leaked[n] = 0;
    for (let i = firstDominated[n]!; i < firstDominated[n + 1]!; i++) stack.push(dominated[i]!);
  }
}
