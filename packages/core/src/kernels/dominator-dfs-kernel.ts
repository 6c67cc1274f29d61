/**
 * Iterative depth-first search over essential edges from vertex `start`, numbering vertices
 * from `count + 1` on (`semi` holds the number, `vertex` the inverse, `label` the vertex,
 * `parent` the tree). Returns the new count. Self-contained, so that it also runs on a worker.
 */
export function dominatorDfsKernel(
  edges: Uint32Array,
  firstEdge: Uint32Array,
  essential: Int32Array,
  edgeStep: number,
  toAt: number,
  start: number,
  count: number,
  parent: Uint32Array,
  vertex: Uint32Array,
  label: Uint32Array,
  semi: Uint32Array,
  scratch: Uint32Array,
): number {
  let n = count;
  // Vertices are 1..nodeCount: a start outside (a graph without nodes) has nothing to search,
  // and would otherwise walk `undefined` parents forever.
  if (!(start >= 1 && start < parent.length)) return n;
  scratch[start] = firstEdge[start - 1]!;
  let v = start;
  while (v !== 0) {
    if (semi[v] === 0) {
      semi[v] = ++n;
      vertex[n] = label[v] = v;
    }
    let next = parent[v]!;
    const end = firstEdge[v]!; // firstEdge[(v - 1) + 1]
    // (The next edge to look at in a local while the loop runs; saved when it descends.)
    let e = scratch[v]!;
    for (; e < end; e++) {
      if ((essential[e >>> 5]! & (1 << (e & 31))) === 0) continue;
      const w = edges[e * edgeStep + toAt]! + 1;
      if (semi[w] === 0) {
        parent[w] = v;
        scratch[w] = firstEdge[w - 1]!;
        next = w;
        // This edge's target is numbered once the search is back: go on after it.
        e++;
        break;
      }
    }
    scratch[v] = e;
    v = next;
  }
  return n;
}
