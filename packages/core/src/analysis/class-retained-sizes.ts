import type { HeapGraph } from '../graph/heap-graph.js';
import { dominatorTree } from './dominators.js';
import { doubled } from './doubled.js';
import { shallowSizes } from './shallow-sizes.js';

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

/**
 * One walk down the dominator tree adding up, per class, the retained sizes of its members
 * that no member of the same class dominates (so nothing is counted twice), as DevTools'
 * Summary does. Members are the nodes of non-zero shallow size, or those `membership` marks
 * (see `Membership`). `onMember(node, classIndex)` sees every member the walk reaches.
 *
 * @example
 * const { retained } = classRetainedSizes(graph)
 * retained[graph.classes.names.indexOf('Session')]
 */
export function classRetainedSizes(
  graph: HeapGraph,
  membership?: Uint8Array,
  onMember?: (node: number, classIndex: number) => void,
): ClassRetainedSizes {
  const { retainedSizes, firstDominated, dominated } = dominatorTree(graph);
  const shallow = shallowSizes(graph);
  const classCount = graph.classes.names.length;
  const retained = new Float64Array(classCount);
  const biggest = new Int32Array(classCount).fill(-1);
  const onPath = new Uint32Array(classCount);
  // Depth-first with explicit enter/leave: a stack entry is a node ordinal, or ~ordinal to leave it.
  let stack = new Int32Array(1 << 16);
  let top = 0;
  stack[top++] = graph.rootOrdinal;
  while (top > 0) {
    const entry = stack[--top]!;
    if (entry < 0) {
      onPath[graph.classIndexOf(~entry)]!--;
      continue;
    }
    const n = entry;
    const member = membership ? membership[n]! : shallow[n]! > 0 ? Membership.Member : Membership.Outside;
    if (member === Membership.Pruned) continue;
    const from = firstDominated[n]!;
    const to = firstDominated[n + 1]!;
    if (member === Membership.Member) {
      const c = graph.classIndexOf(n);
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
