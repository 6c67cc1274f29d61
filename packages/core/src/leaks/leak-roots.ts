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
  const leaked = new Uint8Array(graph.nodeCount);
  const fields = graph.layout.nodeFieldCount;
  const [idAt, typeAt] = [graph.layout.nodeIdOffset, graph.layout.nodeTypeOffset];
  const nodes = graph.nodes;
  const isNew = (n: number): boolean => {
    const id = nodes[n * fields + idAt]!;
    return (id & 1) === 1 && id > baselineId;
  };
  for (let n = 0, base = 0; n < graph.nodeCount; n++, base += fields) {
    if (!isNew(n) || engine[nodes[base + typeAt]!] || shallow[n] === 0 || distances[n] === NO_DISTANCE) continue;
    leaked[n] = 1;
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

  // 0: looked through (a new engine part, or a leaked built-in holder); 1: a candidate root; 2: neither.
  const role = new Uint8Array(graph.nodeCount);
  for (let n = 0; n < graph.nodeCount; n++) {
    if (leaked[n]) role[n] = kinds.isHolder(n) ? 0 : 1;
    else role[n] = isNew(n) && engine[nodes[n * fields + typeAt]!] ? 0 : 2;
  }
  // Bottom up, in reverse DFS order of the dominator tree: whether a candidate sits below.
  const scratch = scratchArrays(graph);
  const [orderArray, stack] = [scratch.take(graph.nodeCount), scratch.take(graph.nodeCount)];
  const order = dominatorPreorder(graph.rootOrdinal, firstDominated, dominated, orderArray, stack);
  scratch.give(stack);
  const candidateBelow = new Uint8Array(graph.nodeCount);
  // (Whether a leaked object of the program's classes sits below: a library object above one
  // is looked through, one above none is a candidate, decided once its subtree is seen.)
  const programBelow = new Uint8Array(graph.nodeCount);
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i]!;
    const parent = dominators[n]!;
    if (leaked[n] && role[n] === 0 && !programBelow[n] && kinds.isLibrary(n)) role[n] = 1;
    if (parent === n) continue;
    if (programBelow[n] || (leaked[n] && kinds.isProgramClass(n))) programBelow[parent] = 1;
    if (role[n] === 1 || candidateBelow[n]) candidateBelow[parent] = 1;
  }
  // The outermost new built-in that holds heapdiff's own object and nothing of the program's
  // (the closure and context its capture code made) is heapdiff's too, with all it holds.
  for (const n of own) {
    let outer = -1;
    for (let at = dominators[n]!; at !== graph.rootOrdinal && leaked[at] && role[at] === 0 && !candidateBelow[at]; at = dominators[at]!) outer = at;
    if (outer >= 0) clearDominated(outer, leaked, firstDominated, dominated);
  }
  // Top down: the first candidate on a way down is a root; so is a leaked holder with none below.
  const covered = new Uint8Array(graph.nodeCount);
  const roots: number[] = [];
  for (const n of order) {
    const parent = dominators[n]!;
    if (parent !== n && (covered[parent] || (leaked[parent] && role[parent] === 1))) {
      covered[n] = 1;
      continue;
    }
    if (leaked[n] && (role[n] === 1 || !candidateBelow[n])) {
      if (kinds.isPrimitive(n) && heldOnlyByLeaked(graph, n, leaked)) continue;
      roots.push(n);
      if (role[n] === 0) covered[n] = 1; // a holder root: nothing below is a root of its own
    }
  }
  scratch.give(orderArray);
  roots.sort((a, b) => a - b);

  // Each root's way up to where it hangs on old memory: its holders, and what holds only it.
  const chains = roots.map((root) => {
    const chain: number[] = [];
    let at = root;
    while (at !== graph.rootOrdinal && (at === root || role[at] === 0)) {
      chain.push(at);
      at = dominators[at]!;
    }
    return { chain, anchor: at };
  });
  const rootsHeld = new Map<number, number>();
  for (const { chain } of chains) for (const n of chain.slice(1)) rootsHeld.set(n, (rootsHeld.get(n) ?? 0) + 1);
  const tops = new Uint32Array(roots.length);
  const holders = new Int32Array(roots.length).fill(-1);
  const anchors = new Uint32Array(roots.length);
  chains.forEach(({ chain, anchor }, i) => {
    anchors[i] = anchor;
    let top = chain[0]!;
    let holder = -1;
    let nearest = -1;
    for (const n of chain.slice(1)) {
      const own = rootsHeld.get(n) === 1;
      if (own && leaked[n]) top = n;
      if (leaked[n] && kinds.isHolder(n) && !kinds.isInternal(n)) {
        if (nearest < 0) nearest = n;
        if (own) holder = n;
      }
    }
    tops[i] = top;
    holders[i] = holder >= 0 ? holder : nearest;
  });
  return { leaked, roots: Uint32Array.from(roots), tops, holders, anchors };
}

/**
 * The nodes of the dominator tree in depth-first preorder from the root, into `order`; `stack`
 * is work space (both one value per node: each node is pushed once).
 */
function dominatorPreorder(root: number, firstDominated: Uint32Array, dominated: Uint32Array, order: Uint32Array, stack: Uint32Array): Uint32Array {
  let size = 0;
  let top = 0;
  stack[top++] = root;
  while (top > 0) {
    const n = stack[--top]!;
    order[size++] = n;
    for (let i = firstDominated[n]!, end = firstDominated[n + 1]!; i < end; i++) stack[top++] = dominated[i]!;
  }
  return order.subarray(0, size);
}

/**
 * Whether every retainer of `node` is leaked. (Retainers by weak edges count too: looking up
 * each edge's type would scan every edge of a big table that holds the node, for each node.)
 */
function heldOnlyByLeaked(graph: HeapGraph, node: number, leaked: Uint8Array): boolean {
  const { firstRetainer, retainerNodes } = graph.retainers;
  const from = firstRetainer[node]!;
  const to = firstRetainer[node + 1]!;
  for (let i = from; i < to; i++) if (!leaked[retainerNodes[i]!]) return false;
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
