import type { HeapGraph } from '../graph/heap-graph.js';
import { ParseWorkerPool } from '../parser/parse-worker-pool.js';
import { distanceInputs, queueLength, setNodeDistances } from './distances.js';
import { dominatorTree, essentialRetainerSlots } from './dominators.js';

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
export async function analyzeGraph(graph: HeapGraph): Promise<void> {
  const shared = [graph.nodes, graph.edges, graph.firstEdge].every((array) => array.buffer instanceof SharedArrayBuffer);
  if (!shared || ParseWorkerPool.defaultSize() < 2) {
    dominatorTree(graph);
    return;
  }
  const pool = new ParseWorkerPool(1);
  try {
    const inputs = distanceInputs(graph);
    const out = new Int32Array(new SharedArrayBuffer(graph.nodeCount * 4));
    const queue = graph.scratch.take(queueLength(graph));
    const distances = pool.distances(graph.nodes, graph.edges, graph.firstEdge, inputs, out, queue);
    distances.catch(() => {});
    // Essential edges, then the retainer index with their bits, in one pass.
    essentialRetainerSlots(graph);
    await distances;
    graph.scratch.give(queue);
    setNodeDistances(graph, out);
    dominatorTree(graph);
  } finally {
    void pool.close();
  }
}
