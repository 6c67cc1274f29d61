/** Distance of nodes no path reaches. */
export const NO_DISTANCE = -5;
/** Base distance of nodes reached only through the engine's own roots, not the program's. */
export const BASE_SYSTEM_DISTANCE = 100_000_000;

/** Plain numbers `distancesKernel` needs about the snapshot's layout and strings. */
export interface DistanceParams {
  nodeCount: number;
  nodeFieldCount: number;
  nodeTypeOffset: number;
  nodeNameOffset: number;
  /** Values per edge record; the packed type and name at offset 0 (see parser/packed-edges.ts). */
  edgeFieldCount: number;
  /** The type bits of the packed type and name. */
  edgeTypeMask: number;
  /** The name's shift in the packed type and name. */
  edgeNameShift: number;
  toNodeOffset: number;
  weakType: number;
  internalType: number;
  elementType: number;
  hiddenEdgeType: number;
  hiddenType: number;
  arrayType: number;
  syntheticType: number;
  nativeContext: number;
  mapDescriptors: number;
  sloppyFunctionMap: number;
  documentTrees: number;
  root: number;
  pairCount: number;
}

/**
 * The breadth-first search itself, into `out`. Self-contained — no imports, closures or
 * helpers — so that it also runs on a worker thread, serialised with `Function#toString`.
 */
export function distancesKernel(
  nodes: Uint32Array,
  edges: Uint32Array,
  firstEdge: Uint32Array,
  p: DistanceParams,
  ephemeronPairOf: Int32Array,
  descriptorSlots: number[],
  out: Int32Array,
  queue: Uint32Array,
): void {
  // NO_DISTANCE and BASE_SYSTEM_DISTANCE: a kernel cannot refer to anything outside itself.
  const NONE = -5;
  const BASE = 100000000;
  out.fill(NONE);
  // A graph without nodes has no root to start from.
  if (p.nodeCount === 0) return;
  const pending = new Uint8Array(p.pairCount);
  const slotValue = new Map<number, number>();
  for (let i = 0; i < descriptorSlots.length; i += 2) slotValue.set(descriptorSlots[i]!, descriptorSlots[i + 1]!);
  const edgeStep = p.edgeFieldCount;
  const nodeStep = p.nodeFieldCount;
  let length = 0;
  // Program roots first, then (pass 1) the root itself for what only the engine holds.
  const root = p.root;
  for (let e = firstEdge[root]!; e < firstEdge[root + 1]!; e++) {
    const target = edges[e * edgeStep + p.toNodeOffset]!;
    const base = target * nodeStep;
    if (nodes[base + p.nodeTypeOffset] === p.syntheticType && nodes[base + p.nodeNameOffset] !== p.documentTrees) continue;
    out[target] = 1;
    queue[length++] = target;
  }
  for (let pass = 0; pass < 2; pass++) {
    if (pass === 1) {
      out[root] = length > 0 ? BASE : 0;
      queue[0] = root;
      length = 1;
    }
    for (let head = 0; head < length; head++) {
      const n = queue[head]!;
      const next = out[n]! + 1;
      const nodeType = nodes[n * nodeStep + p.nodeTypeOffset];
      const nodeName = nodes[n * nodeStep + p.nodeNameOffset];
      const nativeContext = nodeType === p.hiddenType && nodeName === p.nativeContext;
      const descriptors = nodeType === p.arrayType && nodeName === p.mapDescriptors;
      const end = firstEdge[n + 1]!;
      for (let e = firstEdge[n]!, base = e * edgeStep; e < end; e++, base += edgeStep) {
        const typeAndName = edges[base]!;
        const type = typeAndName & p.edgeTypeMask;
        if (type === p.weakType) continue;
        const target = edges[base + p.toNodeOffset]!;
        if (out[target] !== NONE) continue;
        // An element index too big for its bits reads as all ones (see parser/packed-edges.ts):
        // only string indexes are compared, and a descriptor array's slots are few.
        const name = typeAndName >>> p.edgeNameShift;
        const named = type !== p.elementType && type !== p.hiddenEdgeType;
        if (nativeContext && named && name === p.sloppyFunctionMap) continue;
        if (descriptors) {
          // Slots 4, 7, 10, … of a descriptor array may belong to another map sharing the
          // array: DevTools does not follow them, nor do we.
          const index = named ? (slotValue.get(name) ?? -1) : name;
          if (index >= 2 && index % 3 === 1) continue;
        }
        if (type === p.internalType) {
          const pair = ephemeronPairOf[name]!;
          if (pair >= 0) {
            // A WeakMap value: follow only the second of its key and table edges.
            if (pending[pair] === 0) {
              pending[pair] = 1;
              continue;
            }
            pending[pair] = 0;
          }
        }
        out[target] = next;
        queue[length++] = target;
      }
    }
  }
}
