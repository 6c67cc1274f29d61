/** Everything `shallowSizesKernel` needs besides the arrays, all plain numbers. */
export interface ShallowSizesParams {
  nodeCount: number;
  nodeFieldCount: number;
  selfSizeOffset: number;
  typeOffset: number;
  nameOffset: number;
  hiddenType: number;
  arrayType: number;
  nativeType: number;
  syntheticType: number;
  /** String index of "system / ExternalStringData", -1 if absent. */
  externalStringData: number;
  /** Values per edge record; the packed type and name at offset 0 (see parser/packed-edges.ts). */
  edgeFieldCount: number;
  /** The type bits of the packed type and name. */
  edgeTypeMask: number;
  toNodeOffset: number;
  weakType: number;
  root: number;
  /** 0 when the snapshot has no user roots: sizes are then left as they are. */
  hasUserRoots: number;
}

/**
 * The computation itself, into `sizes` (returned, or a Float64Array copy if a sum passes
 * 2^32 - 1). Self-contained — no imports, closures or helpers — so that it also runs on a
 * worker thread, serialised with `Function#toString`.
 *
 * `owners[n]` is n itself for ordinary nodes; for ownable ones (backing stores) it starts
 * UNVISITED and becomes the one ordinary node that owns it, or MULTIPLE. That is the fixpoint
 * DevTools' worklist reaches (the lattice only climbs, so the order of visits does not
 * matter); here one sequential pass over all edges seeds it and a worklist over ownable nodes
 * spreads it.
 */
export function shallowSizesKernel(
  nodes: Uint32Array,
  edges: Uint32Array,
  firstEdge: Uint32Array,
  p: ShallowSizesParams,
  sizes: Uint32Array,
): Uint32Array | Float64Array {
  const UNVISITED = 0xffffffff;
  const MULTIPLE = 0xfffffffe;
  const nodeCount = p.nodeCount;
  const step = p.nodeFieldCount;
  if (!p.hasUserRoots) {
    for (let n = 0, i = p.selfSizeOffset; n < nodeCount; n++, i += step) sizes[n] = nodes[i]!;
    return sizes;
  }
  // One array serves twice: an ordinary node's slot holds its size from the start; an ownable
  // node's slot holds its owner while the fixpoint is found, then its final size.
  const out = sizes;
  // One bit per node saying "ownable": small enough to stay in cache while edges stream by.
  const ownableBits = new Int32Array((nodeCount + 31) >>> 5);
  let ownable = 0;
  // One pass over the nodes (the biggest array: every pass costs memory bandwidth).
  for (let n = 0, base = 0; n < nodeCount; n++, base += step) {
    const type = nodes[base + p.typeOffset]!;
    if (type === p.hiddenType || type === p.arrayType || (type === p.nativeType && nodes[base + p.nameOffset] === p.externalStringData)) {
      out[n] = UNVISITED;
      ownableBits[n >>> 5]! |= 1 << (n & 31);
      ownable++;
    } else {
      out[n] = nodes[base + p.selfSizeOffset]!;
    }
  }
  if (ownable === 0) return out;

  const edgeStep = p.edgeFieldCount;
  const typeMask = p.edgeTypeMask;
  const toAt = p.toNodeOffset;
  const weakType = p.weakType;
  let stack = new Uint32Array(Math.min(ownable, 1 << 20));
  let top = 0;
  // Seeds: ordinary nodes hand themselves to the ownable nodes they point at. Then the
  // worklist: ownable nodes hand their owner on. (`phase` 0 scans nodes, 1 drains the stack.)
  let scan = 0;
  for (let phase = 0; phase < 2; ) {
    let n: number;
    let owner: number;
    if (phase === 0) {
      if (scan === nodeCount) {
        phase = 1;
        continue;
      }
      n = scan++;
      if (ownableBits[n >>> 5]! & (1 << (n & 31))) continue;
      owner = n;
    } else {
      if (top === 0) break;
      n = stack[--top]!;
      owner = out[n]!;
    }
    const end = firstEdge[n + 1]!;
    for (let e = firstEdge[n]!, base = e * edgeStep; e < end; e++, base += edgeStep) {
      const target = edges[base + toAt]!;
      if (!(ownableBits[target >>> 5]! & (1 << (target & 31))) || (edges[base]! & typeMask) === weakType) continue;
      const current = out[target]!;
      let next: number;
      if (current === UNVISITED) next = owner;
      else if (current === owner || current === MULTIPLE) continue;
      else next = MULTIPLE;
      out[target] = next;
      if (top === stack.length) {
        const grown = new Uint32Array(stack.length * 2);
        grown.set(stack);
        stack = grown;
      }
      stack[top++] = target;
    }
  }

  // Ownable nodes, in order: hand the size to the owner, or keep it. Owners are ordinary
  // nodes, whose slots already hold sizes.
  let wide: Float64Array | undefined;
  for (let word = 0; word < ownableBits.length; word++) {
    let bits = ownableBits[word]!;
    while (bits !== 0) {
      const bit = 31 - Math.clz32(bits & -bits);
      bits &= bits - 1;
      const n = (word << 5) | bit;
      const size = nodes[n * step + p.selfSizeOffset]!;
      const owner = wide ? wide[n]! : out[n]!;
      const moves =
        owner !== UNVISITED && owner !== MULTIPLE && owner !== p.root && nodes[owner * step + p.typeOffset] !== p.syntheticType;
      if (!moves) {
        if (wide) wide[n] = size;
        else out[n] = size;
        continue;
      }
      if (!wide && out[owner]! + size > 0xffffffff) wide = Float64Array.from(out);
      if (wide) {
        wide[owner] = wide[owner]! + size;
        wide[n] = 0;
      } else {
        out[owner] = out[owner]! + size;
        out[n] = 0;
      }
    }
  }
  return wide ?? out;
}
