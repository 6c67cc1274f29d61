import { nodeDistances, nodeDistancesOnWorker, queueLength } from '../analysis/distances.js';
import { dominatorTree, dominatorTreeOnWorker, essentialRetainerSlots, essentialRetainerSlotsOnWorker } from '../analysis/dominators.js';
import { shallowSizesOnWorker } from '../analysis/shallow-sizes.js';
import { classKeys, type ClassGrouping } from '../graph/class-keys.js';
import { inSharedMemory, type HeapGraph } from '../graph/heap-graph.js';
import { lendToAnalyses } from '../graph/retire-graph.js';
import { scratchArrays } from '../graph/scratch-arrays.js';
import { SlabPool } from '../parser/slab-pool.js';
import { shown } from '../format/shown.js';
import { HeapWorkerPool } from '../workers/heap-worker-pool.js';

/**
 * Progress of `analyzeGraph`: the phase that is starting, or, where phases overlap on a worker,
 * the one now waited for (so the order may differ between the two paths).
 */
export interface AnalyzeProgress {
  readonly phase: 'retainers' | 'distances' | 'dominators' | 'done';
}

export interface AnalyzeOptions {
  onProgress?: (progress: AnalyzeProgress) => void;
  /**
   * `false` leaves the node distances out (they are still computed on first use): for callers
   * that need only the dominator tree and retained sizes, such as a class summary. Default true.
   */
  distances?: boolean;
  /**
   * The class keys (`classKeys`) to build on this thread while the worker walks the graph,
   * where a worker is used: `'shape'` (default; what the summary, diffs, leak
   * detection and the UI group by), `'name'`, or `false` for none. Without a worker they are
   * built on first use, as always.
   */
  classKeys?: ClassGrouping | false;
  /**
   * Work of yours to do on this thread while the workers search the graph (after the class
   * keys): analyses you need next that do not wait for the dominator tree, such as
   * `prepareLeaks`. Without a worker it runs first.
   */
  alongside?: () => void;
}

/**
 * Runs the graph analyses — retainers, distances, dominator tree, retained sizes — and keeps
 * their results on the graph, using worker threads where the graph lives in shared memory
 * (big files): the program-owned nodes, the essential edges, the retainer index, the
 * distances and the dominator tree's depth-first search are computed there while this thread
 * builds the class keys, then runs Lengauer–Tarjan.
 * The synchronous accessors (`nodeDistances`, `dominatorTree`, `classKeys`, …) then return at
 * once; without this call they compute on first use, on this thread.
 *
 * @example
 * const graph = await parseSnapshot(file)
 * await analyzeGraph(graph)
 * console.table(summarizeClasses(graph, { retained: true }).rows.slice(0, 10))
 */
export async function analyzeGraph(graph: HeapGraph, options: AnalyzeOptions = {}): Promise<void> {
  if (options.alongside !== undefined && typeof options.alongside !== 'function') {
    throw new TypeError(`analyzeGraph: \`alongside\` takes a function, got ${shown(options.alongside)}`);
  }
  const report = (phase: AnalyzeProgress['phase']): void => options.onProgress?.({ phase });
  if (!inSharedMemory(graph) || HeapWorkerPool.defaultSize() < 2) {
    options.alongside?.();
    report('retainers');
    essentialRetainerSlots(graph);
    if (options.distances !== false) {
      report('distances');
      nodeDistances(graph);
    }
    report('dominators');
    dominatorTree(graph);
    report('done');
    return;
  }
  // Two workers (the process's pool). Before this thread gets busy with the class keys, a
  // worker is given the program-owned nodes and then the essential edges (they need those).
  // Then the retainer index (with the essential bits per slot) and the dominator tree's
  // depth-first search run side by side on the two, then Lengauer–Tarjan here while a worker
  // computes the distances: nothing here waits for the distances, so they go last.
  const pool = HeapWorkerPool.lease(HeapWorkerPool.defaultSize());
  // The parse's slabs, idle once no load is under way: memory touched already, for the work
  // arrays the analyses would otherwise take fresh (on a 740 MB snapshot some 100 MB of them).
  SlabPool.lendIdle((idle) => lendToAnalyses(graph, idle));
  try {
    const scratch = scratchArrays(graph);
    const slots = essentialRetainerSlotsOnWorker(graph, pool);
    slots.catch(() => {});
    // (Made by the parse's workers already, mostly.)
    const sizes = shallowSizesOnWorker(graph, pool);
    sizes.catch(() => {});
    const grouping = options.classKeys ?? 'shape';
    try {
      if (grouping) classKeys(graph, grouping);
      options.alongside?.();
    } catch (error) {
      // The workers read the graph: they end first, before the caller may give it to another load.
      await Promise.allSettled([slots, sizes]);
      throw error;
    }
    report('retainers');
    let distances: Promise<unknown> | undefined;
    let queue: Uint32Array | undefined;
    const afterSearch = (): void => {
      if (distances) return;
      distances = Promise.resolve();
      if (options.distances === false) return;
      queue = scratch.take(queueLength(graph));
      distances = nodeDistancesOnWorker(graph, pool, queue);
      distances.catch(() => {});
    };
    const tree = dominatorTreeOnWorker(graph, pool, afterSearch);
    tree.catch(() => {});
    await slots;
    await sizes;
    report('dominators');
    await tree;
    afterSearch(); // (when the tree was there already)
    // (What is left to wait for, if anything: the distances.)
    if (queue) report('distances');
    await distances;
    if (queue) scratch.give(queue);
    report('done');
  } finally {
    HeapWorkerPool.release(pool);
  }
}
