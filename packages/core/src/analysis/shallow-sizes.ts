import type { HeapGraph } from '../graph/heap-graph.js';

const UNVISITED = 0xffffffff;
const MULTIPLE_OWNERS = 0xfffffffe;

const cache = new WeakMap<HeapGraph, Uint32Array | Float64Array>();

/**
 * Self sizes as DevTools' Summary shows them ("Shallow Size"): V8 reports an object's
 * backing stores (its `hidden` and `array` parts, and external string data) as separate
 * nodes; when exactly one ordinary object owns such a node — reaches it through other owned
 * nodes only, over non-weak edges — its size is moved to that owner and its own becomes 0.
 * Nothing moves onto the root or synthetic nodes, and snapshots without user roots (taken
 * with internals exposed) keep their sizes as they are.
 *
 * Computed once per graph and cached. Values are exact; the array is a Float64Array only if
 * the heap's total could pass 2^32 bytes.
 *
 * @example
 * const sizes = shallowSizes(graph)
 * console.log(graph.nodeName(n), sizes[n])
 */
export function shallowSizes(graph: HeapGraph): Uint32Array | Float64Array {
  let sizes = cache.get(graph);
  if (!sizes) {
    sizes = computeShallowSizes(graph);
    cache.set(graph, sizes);
  }
  return sizes;
}

function computeShallowSizes(graph: HeapGraph): Uint32Array | Float64Array {
  const { nodeCount, nodes, edges, firstEdge, layout } = graph;
  const nodeFieldCount = layout.nodeFieldCount;
  const selfSizeOffset = layout.nodeSelfSizeOffset;
  const sizes = new Uint32Array(nodeCount);
  if (!hasUserRoots(graph)) {
    for (let n = 0, i = selfSizeOffset; n < nodeCount; n++, i += nodeFieldCount) sizes[n] = nodes[i]!;
    return sizes;
  }

  const typeOffset = layout.nodeTypeOffset;
  const nameOffset = layout.nodeNameOffset;
  const hiddenType = layout.nodeTypes.indexOf('hidden');
  const arrayType = layout.nodeTypes.indexOf('array');
  const nativeType = layout.nodeTypes.indexOf('native');
  const syntheticType = layout.nodeTypes.indexOf('synthetic');
  const externalStringData = graph.strings.indexOf('system / ExternalStringData');

  // owners[n]: n itself for ordinary nodes; for ownable ones (backing stores) UNVISITED, then
  // the one ordinary node that owns it, or MULTIPLE_OWNERS. This is the fixpoint DevTools'
  // worklist reaches (the lattice only climbs, so the order of visits does not matter); we
  // reach it with one sequential pass over all edges, then a worklist over ownable nodes only.
  const owners = new Uint32Array(nodeCount);
  // One bit per node saying "ownable": small enough to stay in cache while edges stream by.
  const ownableBits = new Int32Array((nodeCount + 31) >>> 5);
  let ownable = 0;
  // One pass over the nodes (they are the biggest array: every pass costs memory bandwidth).
  for (let n = 0, base = 0; n < nodeCount; n++, base += nodeFieldCount) {
    sizes[n] = nodes[base + selfSizeOffset]!;
    const type = nodes[base + typeOffset]!;
    if (type === hiddenType || type === arrayType || (type === nativeType && nodes[base + nameOffset] === externalStringData)) {
      owners[n] = UNVISITED;
      ownableBits[n >>> 5]! |= 1 << (n & 31);
      ownable++;
    } else {
      owners[n] = n;
    }
  }
  if (ownable === 0) return sizes;

  const edgeFieldCount = layout.edgeFieldCount;
  const edgeTypeOffset = layout.edgeTypeOffset;
  const toNodeOffset = layout.edgeToNodeOffset;
  const weakType = layout.edgeTypes.indexOf('weak');
  let stack = new Uint32Array(Math.min(ownable, 1 << 20));
  let top = 0;
  // Gives `target` (ownable) the owner `owner`; returns true when that changed it.
  const join = (target: number, owner: number): void => {
    const current = owners[target]!;
    let next: number;
    if (current === UNVISITED) next = owner;
    else if (current === owner || current === MULTIPLE_OWNERS) return;
    else next = MULTIPLE_OWNERS;
    owners[target] = next;
    if (top === stack.length) {
      const grown = new Uint32Array(stack.length * 2);
      grown.set(stack);
      stack = grown;
    }
    stack[top++] = target;
  };

  // Seeds: ordinary nodes hand themselves to the ownable nodes they point at.
  for (let n = 0; n < nodeCount; n++) {
    if (ownableBits[n >>> 5]! & (1 << (n & 31))) continue;
    const end = firstEdge[n + 1]!;
    for (let e = firstEdge[n]!, base = e * edgeFieldCount; e < end; e++, base += edgeFieldCount) {
      const target = edges[base + toNodeOffset]!;
      if (ownableBits[target >>> 5]! & (1 << (target & 31)) && edges[base + edgeTypeOffset] !== weakType) join(target, n);
    }
  }
  // Spread: ownable nodes hand their owner on to the ownable nodes they point at.
  while (top > 0) {
    const n = stack[--top]!;
    const owner = owners[n]!;
    const end = firstEdge[n + 1]!;
    for (let e = firstEdge[n]!, base = e * edgeFieldCount; e < end; e++, base += edgeFieldCount) {
      const target = edges[base + toNodeOffset]!;
      if (ownableBits[target >>> 5]! & (1 << (target & 31)) && edges[base + edgeTypeOffset] !== weakType) join(target, owner);
    }
  }

  const root = graph.rootOrdinal;
  let wide: Float64Array | undefined;
  for (let word = 0; word < ownableBits.length; word++) {
    let bits = ownableBits[word]!;
    while (bits !== 0) {
      const bit = 31 - Math.clz32(bits & -bits);
      bits &= bits - 1;
      const n = (word << 5) | bit;
      const owner = owners[n]!;
      if (owner === UNVISITED || owner === MULTIPLE_OWNERS) continue;
      if (owner === root || nodes[owner * nodeFieldCount + typeOffset] === syntheticType) continue;
      const sum = (wide ? wide[owner]! : sizes[owner]!) + (wide ? wide[n]! : sizes[n]!);
      if (!wide && sum > 0xffffffff) wide = Float64Array.from(sizes);
      if (wide) {
        wide[owner] = sum;
        wide[n] = 0;
      } else {
        sizes[owner] = sum;
        sizes[n] = 0;
      }
    }
  }
  return wide ?? sizes;
}

/** User roots hang off the root: non-synthetic nodes, or the "(Document DOM trees)" group. */
function hasUserRoots(graph: HeapGraph): boolean {
  const root = graph.rootOrdinal;
  const syntheticType = graph.layout.nodeTypes.indexOf('synthetic');
  for (let e = graph.firstEdge[root]!; e < graph.firstEdge[root + 1]!; e++) {
    const target = graph.edgeTarget(e);
    if (graph.nodeTypeIndex(target) !== syntheticType) return true;
    if (graph.nodeName(target) === '(Document DOM trees)') return true;
  }
  return false;
}
