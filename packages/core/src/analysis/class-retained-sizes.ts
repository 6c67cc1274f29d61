import type { HeapGraph } from '../graph/heap-graph.js';
import { dominatorTree } from './dominators.js';
import { doubled } from './doubled.js';

/** Membership of a node in `classRetainedSizes`' groups (one byte per node). */
export const Membership = {
  /** Not counted; what it dominates is walked. */
  Outside: 0,
  /** Counted in its class's group. */
  Member: 1,
  /** Neither counted nor walked into: it and all it dominates are left out. */
  Pruned: 2,
} as const;

/** Per class: bytes freed if every member of the class were, and its biggest top member. */
export interface ClassRetainedSizes {
  /** The retained sizes of the members no other member of the same class dominates. */
  readonly retained: Float64Array;
  /** The top member with the largest retained size per class, -1 when the class has none. */
  readonly biggest: Int32Array;
}

/** The parts of a dominator tree the walk reads (a graph's, or one kept without its graph). */
export interface DominatedTree {
  readonly rootOrdinal: number;
  readonly firstDominated: Uint32Array;
  readonly dominated: Uint32Array;
  readonly retainedSizes: Float64Array;
}

/** Who is counted: per node its class (`keyOf`, `classCount` classes) and its shallow size. */
export interface ClassMembers {
  readonly keyOf: Uint32Array;
  readonly classCount: number;
  readonly shallow: ArrayLike<number>;
  /** Overrides the default (members are the nodes of non-zero shallow size): see `Membership`. */
  readonly membership?: Uint8Array;
}

/**
 * One walk down the dominator tree adding up, per class, the retained sizes of its members
 * that no member of the same class dominates (so nothing is counted twice), as DevTools'
 * Summary does. `onMember(node, classIndex)` sees every member the walk reaches.
 *
 * @example
 * const keys = classKeys(graph)
 * const { retained } = classRetainedSizes(treeOf(graph), { keyOf: keys.keyOf, classCount: keys.names.length, shallow: shallowSizes(graph) })
 */
export function classRetainedSizes(
  tree: DominatedTree,
  members: ClassMembers,
  onMember?: (node: number, classIndex: number) => void,
): ClassRetainedSizes {
  const { retainedSizes, firstDominated, dominated } = tree;
  const { keyOf, shallow, membership } = members;
  const retained = new Float64Array(members.classCount);
  const biggest = new Int32Array(members.classCount).fill(-1);
  const onPath = new Uint32Array(members.classCount);
  // Depth-first with explicit enter/leave: a stack entry is a node ordinal, or ~ordinal to leave it.
  let stack = new Int32Array(1 << 16);
  let top = 0;
  stack[top++] = tree.rootOrdinal;
  while (top > 0) {
    const entry = stack[--top]!;
    if (entry < 0) {
      onPath[keyOf[~entry]!]!--;
      continue;
    }
    const n = entry;
    const member = membership ? membership[n]! : shallow[n]! > 0 ? Membership.Member : Membership.Outside;
    if (member === Membership.Pruned) continue;
    const from = firstDominated[n]!;
    const to = firstDominated[n + 1]!;
    if (member === Membership.Member) {
      const c = keyOf[n]!;
      onMember?.(n, c);
      if (onPath[c] === 0) {
        retained[c]! += retainedSizes[n]!;
        if (biggest[c]! < 0 || retainedSizes[n]! > retainedSizes[biggest[c]!]!) biggest[c] = n;
        if (from !== to) {
          onPath[c]!++;
          if (top === stack.length) stack = doubled(stack);
          stack[top++] = ~n;
        }
      }
    }
    while (top + (to - from) > stack.length) stack = doubled(stack);
    for (let i = from; i < to; i++) stack[top++] = dominated[i]!;
  }
  return { retained, biggest };
}

/** The dominator tree of `graph` as `classRetainedSizes` reads it. */
export function treeOf(graph: HeapGraph): DominatedTree {
  const { firstDominated, dominated, retainedSizes } = dominatorTree(graph);
  return { rootOrdinal: graph.rootOrdinal, firstDominated, dominated, retainedSizes };
}
