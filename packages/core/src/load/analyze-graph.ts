import { nodeDistances, nodeDistancesOnWorker, queueLength } from '../analysis/distances.js';
import { dominatorTree, dominatorTreeOnWorker, essentialRetainerSlots } from '../analysis/dominators.js';
import { pageOwnedNodesOnWorker } from '../analysis/page-objects.js';
import { shallowSizesOnWorker } from '../analysis/shallow-sizes.js';
import { classKeys, type ClassGrouping } from '../graph/class-keys.js';
import { inSharedMemory, type HeapGraph } from '../graph/heap-graph.js';
import { scratchArrays } from '../graph/scratch-arrays.js';
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
}

/**
 * Runs the graph analyses — retainers, distances, dominator tree, retained sizes — and keeps
 * their results on the graph, using a worker thread where the graph lives in shared memory
 * (big files): the program-owned nodes, the distances and the dominator tree's depth-first
 * search are computed there while this thread builds the class keys, picks the essential edges
 * and builds the retainer index.
 * The synchronous accessors (`nodeDistances`, `dominatorTree`, `classKeys`, …) then return at
 * once; without this call they compute on first use, on this thread.
 *
 * @example
 * const graph = await parseSnapshot(file)
 * await analyzeGraph(graph)
 * console.table(summarizeClasses(graph, { retained: true }).rows.slice(0, 10))
 */
export async function analyzeGraph(graph: HeapGraph, options: AnalyzeOptions = {}): Promise<void> {
  const report = (phase: AnalyzeProgress['phase']): void => options.onProgress?.({ phase });
  if (!inSharedMemory(graph) || HeapWorkerPool.defaultSize() < 2) {
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
  // One worker. First the program-owned nodes (a walk over most of the graph) while this
  // thread builds the class keys; then this thread picks the essential edges (they need the
  // program-owned nodes) and the worker searches the dominator tree's depth-first order while
  // this thread builds the retainer index with the essential bits per slot; then the worker
  // computes the distances while this thread runs Lengauer–Tarjan. The search goes before the
  // distances because this thread's tree waits for it and nothing here waits for the
  // distances: on a 740 MB snapshot the other order left this thread idle for 0.8 s of 2.7.
  const pool = new HeapWorkerPool(1);
  try {
    const scratch = scratchArrays(graph);
    const page = pageOwnedNodesOnWorker(graph, pool);
    page.catch(() => {});
    // (Before the tree, which starts from them: made by the parse's workers already, mostly.)
    const sizes = shallowSizesOnWorker(graph, pool);
    sizes.catch(() => {});
    const grouping = options.classKeys ?? 'shape';
    if (grouping) classKeys(graph, grouping);
    await page;
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
    afterSearch(); // (when the tree was there already)
    await sizes;
    report('dominators');
    await tree;
    // (What is left to wait for, if anything: the distances.)
    if (queue) report('distances');
    await distances;
    if (queue) scratch.give(queue);
    report('done');
  } finally {
    void pool.close();
  }
}
