import type { HeapGraph } from '../graph/heap-graph.js';
import { HeapWorkerPool } from '../workers/heap-worker-pool.js';
import { distanceInputs, nodeDistances, queueLength, setNodeDistances } from './distances.js';
import { dominatorTree, essentialEdges, essentialRetainerSlots, ltArrays, setDominatorDfs } from './dominators.js';

/** Progress of `analyzeGraph`: the phase that is starting. */
export interface AnalyzeProgress {
  readonly phase: 'retainers' | 'distances' | 'dominators' | 'done';
}

export interface AnalyzeOptions {
  onProgress?: (progress: AnalyzeProgress) => void;
}

/**
 * Runs the graph analyses — retainers, distances, dominator tree, retained sizes — and keeps
 * their results on the graph, using a worker thread where the graph lives in shared memory
 * (big files): the distances are computed there while this thread builds the retainers and
 * picks the essential edges. The synchronous accessors (`nodeDistances`, `dominatorTree`, …)
 * then return at once; without this call they compute on first use, on this thread.
 *
 * @example
 * const graph = await parseSnapshot(file)
 * await analyzeGraph(graph)
 * console.table(summarizeClasses(graph, { retained: true }).rows.slice(0, 10))
 */
export async function analyzeGraph(graph: HeapGraph, options: AnalyzeOptions = {}): Promise<void> {
  const report = (phase: AnalyzeProgress['phase']): void => options.onProgress?.({ phase });
  const shared = [graph.nodes, graph.edges, graph.firstEdge].every((array) => array.buffer instanceof SharedArrayBuffer);
  if (!shared || HeapWorkerPool.defaultSize() < 2) {
    report('retainers');
    essentialRetainerSlots(graph);
    report('distances');
    nodeDistances(graph);
    report('dominators');
    dominatorTree(graph);
    report('done');
    return;
  }
  const pool = new HeapWorkerPool(1);
  try {
    const inputs = distanceInputs(graph);
    const out = new Int32Array(new SharedArrayBuffer(graph.nodeCount * 4));
    const queue = graph.scratch.take(queueLength(graph));
    report('distances');
    const distances = pool.distances(graph.nodes, graph.edges, graph.firstEdge, inputs, out, queue);
    distances.catch(() => {});
    // Meanwhile, here: the essential edges; then the worker (after the distances) searches the
    // dominator tree's depth-first order, reusing the queue's memory, while this thread builds
    // the retainer index with the essential bits per slot.
    report('retainers');
    const essential = essentialEdges(graph);
    const arrays = ltArrays(graph, queue.length > graph.nodeCount ? queue : graph.scratch.take(graph.nodeCount + 1));
    const { edgeFieldCount, edgeToNodeOffset } = graph.layout;
    const dfs = pool.dominatorDfs(graph.edges, graph.firstEdge, essential, edgeFieldCount, edgeToNodeOffset, graph.rootOrdinal + 1, arrays);
    dfs.catch(() => {});
    essentialRetainerSlots(graph);
    await distances;
    setNodeDistances(graph, out);
    setDominatorDfs(graph, arrays, await dfs);
    if (queue.length <= graph.nodeCount) graph.scratch.give(queue);
    report('dominators');
    dominatorTree(graph);
    report('done');
  } finally {
    void pool.close();
  }
}
