/** Everything `pageOwnedKernel` needs besides the arrays, all plain numbers. */
export interface PageOwnedParams {
  nodeCount: number;
  /** Values per edge record; the packed type and name at offset 0 (see parser/packed-edges.ts). */
  edgeFieldCount: number;
  /** The type bits of the packed type and name. */
  edgeTypeMask: number;
  toNodeOffset: number;
  weakType: number;
}

/**
 * Marks in `flags` (1 = program-owned) every node reachable over non-weak edges from `seeds`
 * (see `pageOwnedNodes`): a depth-first walk with its own stack. Self-contained — no imports,
 * closures or helpers — so that it also runs on a worker thread, serialised with
 * `Function#toString`.
 */
export function pageOwnedKernel(edges: Uint32Array, firstEdge: Uint32Array, p: PageOwnedParams, seeds: Uint32Array, flags: Uint8Array): void {
  // Room for every seed from the start: only the walk below can outgrow it.
  let stack = new Uint32Array(Math.max(Math.min(p.nodeCount, 1 << 20), seeds.length, 1));
  let top = 0;
  for (let i = 0; i < seeds.length; i++) {
    const seed = seeds[i]!;
    if (flags[seed]) continue;
    flags[seed] = 1;
    stack[top++] = seed;
  }
  const edgeStep = p.edgeFieldCount;
  const typeMask = p.edgeTypeMask;
  const toAt = p.toNodeOffset;
  const weak = p.weakType;
  while (top > 0) {
    const n = stack[--top]!;
    const end = firstEdge[n + 1]!;
    for (let e = firstEdge[n]!, base = e * edgeStep; e < end; e++, base += edgeStep) {
      const target = edges[base + toAt]!;
      if (flags[target] || (edges[base]! & typeMask) === weak) continue;
      flags[target] = 1;
      if (top === stack.length) {
        const bigger = new Uint32Array(stack.length * 2);
        bigger.set(stack);
        stack = bigger;
      }
      stack[top++] = target;
    }
  }
}
