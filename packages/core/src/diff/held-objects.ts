import type { HeapGraph } from '../graph/heap-graph.js';

/** How an object is held, per node (`HeldObjects.held`). */
export const Held = {
  /** Not held by the program: only by the engine, a running call, or the diffing code. */
  No: 0,
  /** Reachable from the GC roots. */
  ByRoots: 1,
  /** Reachable only from the frames waiting for the diff (see awaiting-frames.ts). */
  ByFrames: 2,
} as const;

/** What `heldObjects` finds: see there. */
export interface HeldObjects {
  /** `Held` per node. */
  readonly held: Uint8Array;
  /** For nodes held `ByFrames`: the node it was reached from, -1 for a frame itself. */
  readonly parent: Int32Array;
}

/** The parts of the heap the walk does not enter, or enters only from the waiting frames. */
export interface HeldObjectsOptions {
  /** The diffing code's own objects: not entered, so what only they hold is not held. */
  readonly own: ReadonlySet<number>;
  /** Continuation objects (awaiting-frames.ts): entered only as frames. */
  readonly continuation: Uint8Array;
  /** Where the program's waiting frames resume: walked after the roots. */
  readonly frames: readonly number[];
  /** `false`: walk from the frames only (for their paths to objects the roots also reach). Default true. */
  readonly fromRoots?: boolean;
}

/**
 * Which objects the program holds: reachable from the GC roots, then from the frames waiting
 * for the diff, without passing through the diffing code's own objects or a continuation, nor
 * through what only the engine or a running call holds — stack roots, handle scopes and the
 * current microtask (a running call's locals, such as the inspector's message while it takes
 * the snapshot), a compiler job's handles and identity maps (`(Identity map)` on Node 26),
 * weak edges, V8's literal boilerplates (an allocation site's `transition_info`), compiled
 * code (the constants of code compiled since the mark) and, for strings, shapes and the
 * string table (new property names).
 */
export function heldObjects(graph: HeapGraph, options: HeldObjectsOptions): HeldObjects {
  const { own, continuation, frames } = options;
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
      // A compiler job's identity map: edges named `N / IdentityMapBase` up to V8 12 (Node 22),
      // a root of its own from V8 14 (Node 26).
      if (name === '(Stack roots)' || name === '(Handle scope)' || name === '(Identity map)') source[n] = 1;
      else if (name === '(Internalized strings)') source[n] = 2;
    }
  }
  const held = new Uint8Array(graph.nodeCount);
  const parent = new Int32Array(graph.nodeCount).fill(-1);
  const queue = new Int32Array(graph.nodeCount);
  let head = 0;
  let tail = 0;
  const walk = (mark: number): void => {
    while (head < tail) {
      const n = queue[head++]!;
      if (source[n] === 1) continue;
      const type = graph.nodeTypeIndex(n);
      for (let e = graph.firstEdge[n]!; e < graph.firstEdge[n + 1]!; e++) {
        const to = graph.edgeTarget(e);
        if (held[to] !== Held.No || continuation[to] === 1) continue;
        const edgeType = graph.edgeTypeIndex(e);
        if (edgeType === weak) continue;
        if (source[n] === 2 && stringType[graph.nodeTypeIndex(to)] === 1) continue;
        if (edgeType !== element && edgeType !== hidden && skippedName(graph.edgeNameOrIndex(e), type === synthetic)) continue;
        held[to] = mark;
        if (mark === Held.ByFrames) parent[to] = n;
        queue[tail++] = to;
      }
    }
  };
  if (options.fromRoots !== false) {
    held[graph.rootOrdinal] = Held.ByRoots;
    queue[tail++] = graph.rootOrdinal;
    walk(Held.ByRoots);
  }
  for (const frame of frames) {
    if (held[frame] !== Held.No || own.has(frame)) continue;
    held[frame] = Held.ByFrames;
    queue[tail++] = frame;
  }
  walk(Held.ByFrames);
  return { held, parent };
}
