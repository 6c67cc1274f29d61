import { AnalysisKey } from '../graph/analysis-cache.js';
import type { HeapGraph } from '../graph/heap-graph.js';
import { edgeWalkParams } from './edge-walk-params.js';
import { pageOwnedKernel } from '../kernels/page-owned-kernel.js';
import type { HeapWorkerPool } from '../workers/heap-worker-pool.js';
import type { PageOwnedJob, SequenceJob, WorkerJob } from '../workers/worker-jobs.js';

const PAGE_OWNED = new AnalysisKey<Uint8Array>('page-owned nodes');

/**
 * Which nodes belong to the program rather than to the engine or a debugger: those reachable,
 * over non-weak edges, from the root's `shortcut` edges (the global objects, or windows) and
 * from the "(Document DOM trees)" group. 1 for such a node, 0 otherwise. DevTools uses this to
 * ignore edges from engine-owned nodes into program-owned ones when computing dominators.
 */
export function pageOwnedNodes(graph: HeapGraph): Uint8Array {
  return graph.analyses.get(PAGE_OWNED, () => {
    const flags = new Uint8Array(graph.nodeCount);
    pageOwnedKernel(graph.edges, graph.firstEdge, edgeWalkParams(graph), pageSeeds(graph), flags);
    return flags;
  });
}

/**
 * Computes `pageOwnedNodes` on a worker of `pool`, from the graph's arrays in shared memory,
 * and keeps the result on the graph (`analyzeGraph` starts it first: the walk visits most of
 * the graph, and this thread meanwhile names classes). `followedBy` makes a job that reads the
 * flags, to run right after on the same worker; it is called only when the walk starts here
 * (not when the flags are there or on their way already).
 */
export function pageOwnedNodesOnWorker(graph: HeapGraph, pool: HeapWorkerPool, followedBy?: (flags: Uint8Array) => Exclude<WorkerJob, SequenceJob>): Promise<Uint8Array> {
  return graph.analyses.getAsync(PAGE_OWNED, async () => {
    const flags = new Uint8Array(new SharedArrayBuffer(graph.nodeCount));
    const job: PageOwnedJob = { kind: 'page-owned', edges: graph.edges.buffer, firstEdge: graph.firstEdge.buffer, params: edgeWalkParams(graph), seeds: pageSeeds(graph), flags: flags.buffer };
    await (followedBy ? pool.run({ kind: 'sequence', jobs: [job, followedBy(flags)] }) : pool.run(job));
    return flags;
  });
}

/** Where the walk starts: the targets of the root's shortcut edges and its "(Document DOM trees)" element. */
function pageSeeds(graph: HeapGraph): Uint32Array {
  const { firstEdge, layout } = graph;
  const shortcut = layout.edgeTypes.indexOf('shortcut');
  const element = layout.edgeTypes.indexOf('element');
  const synthetic = layout.nodeTypes.indexOf('synthetic');
  const root = graph.rootOrdinal;
  const seeds: number[] = [];
  for (let e = firstEdge[root]!; e < firstEdge[root + 1]!; e++) {
    const type = graph.edgeTypeIndex(e);
    const target = graph.edgeTarget(e);
    if (type === element) {
      if (graph.nodeTypeIndex(target) !== synthetic || graph.nodeName(target) !== '(Document DOM trees)') continue;
    } else if (type !== shortcut) {
      continue;
    }
    seeds.push(target);
  }
  return Uint32Array.from(seeds);
}
