import { dominatorTree } from '../analysis/dominators.js';
import { shallowSizes } from '../analysis/shallow-sizes.js';
import { takeSnapshot } from '../capture/take-snapshot.js';
import { analyzeGraph } from '../load/analyze-graph.js';
import { exclusive } from './exclusive.js';
import { heapObjectIdOf } from './heap-object-id.js';

/** The sizes of one live value: see `retainedSizeOf`. */
export interface ValueSize {
  /** Its id in heap snapshots of this thread. */
  readonly id: number;
  /** Its own bytes, as DevTools' Shallow Size column. */
  readonly shallowSize: number;
  /** What freeing it would return: the bytes of everything it dominates, as DevTools' Retained Size. */
  readonly retainedSize: number;
}

/**
 * The exact shallow and retained size of one live object, from a heap snapshot of this thread
 * and its dominator tree: what collecting the value would really free (objects it shares with
 * another holder are not counted). Takes one heap snapshot.
 *
 * @example
 * const { retainedSize } = await retainedSizeOf(cache)   // e.g. 1_254_880
 */
export function retainedSizeOf(value: object): Promise<ValueSize> {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
    return Promise.reject(new TypeError(`retainedSizeOf: takes an object or a function (a primitive has no heap object of its own to measure), got ${value === null ? 'null' : typeof value}`));
  }
  return exclusive('retainedSizeOf', async () => {
    let id = await heapObjectIdOf(value);
    const graph = await takeSnapshot();
    // Made since the last snapshot: numbered by this one, which holds it (the value is held here).
    if (id === 0) id = await heapObjectIdOf(value);
    const node = graph.ordinalOfId(id);
    if (node < 0) throw new Error(`retainedSizeOf: object @${id} is not in the heap snapshot (a V8 value without a heap object of its own?)`);
    await analyzeGraph(graph);
    return { id, shallowSize: shallowSizes(graph)[node]!, retainedSize: dominatorTree(graph).retainedSizes[node]! };
  });
}
