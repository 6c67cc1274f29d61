import { nodeDistances, nodeDistancesOnWorker, queueLength } from '../analysis/distances.js';
import { dominatorTree, dominatorTreeOnWorker, essentialRetainerSlots } from '../analysis/dominators.js';
import { pageOwnedNodesOnWorker } from '../analysis/page-objects.js';
import { shallowSizesOnWorker } from '../analysis/shallow-sizes.js';
import { classKeys, type ClassGrouping } from '../graph/class-keys.js';
import { inSharedMemory, type HeapGraph } from '../graph/heap-graph.js';
import { scratchArrays } from '../graph/scratch-arrays.js';
import { HeapWorkerPool } from '../workers/heap-worker-pool.js';

/** Progress of `analyzeGraph`: the phase that is starting. */
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
  // One worker: first the program-owned nodes (a walk over most of the graph) while this
  // thread builds the class keys; then the distances, and the shallow sizes unless the parse's
  // workers made them. This thread then picks the essential edges (they need the program-owned
  // nodes) and the worker (jobs run in order) searches the dominator tree's depth-first order in
  // the queue's memory, while this thread builds the retainer index with the essential bits per
  // slot. (Keys first because this thread's part is the longer one: on tsc's 148 MB snapshot the
  // worker was idle for 1.3 s of the analyses before; the keys take about as long as the walk.)
  const pool = new HeapWorkerPool(1);
  try {
    const scratch = scratchArrays(graph);
    const page = pageOwnedNodesOnWorker(graph, pool);
    page.catch(() => {});
    const queue = options.distances === false ? undefined : scratch.take(queueLength(graph));
    if (queue) report('distances');
    const distances = queue ? nodeDistancesOnWorker(graph, pool, queue) : Promise.resolve();
    distances.catch(() => {});
    const sizes = shallowSizesOnWorker(graph, pool);
    sizes.catch(() => {});
    const grouping = options.classKeys ?? 'shape';
    if (grouping) classKeys(graph, grouping);
    await page;
    report('retainers');
    const reuse = queue !== undefined && queue.length > graph.nodeCount;
    const tree = dominatorTreeOnWorker(graph, pool, reuse ? queue : undefined);
    tree.catch(() => {});
    await distances;
    if (queue && !reuse) scratch.give(queue);
    report('dominators');
    await sizes;
    await tree;
    report('done');
  } finally {
    void pool.close();
  }
}
