import { AnalysisKey } from '../graph/analysis-cache.js';
import type { HeapGraph } from '../graph/heap-graph.js';
import { retainerSlotBits, retainerSlotBitsOnWorker } from '../graph/retainers.js';
import { scratchArrays } from '../graph/scratch-arrays.js';
import { dominatorDfsKernel } from '../kernels/dominator-dfs-kernel.js';
import { essentialEdgesKernel, type EssentialEdgesParams } from '../kernels/essential-edges-kernel.js';
import { EDGE_FIELDS, EDGE_TO_NODE } from '../parser/packed-edges.js';
import type { HeapWorkerPool } from '../workers/heap-worker-pool.js';
import type { EssentialEdgesJob } from '../workers/worker-jobs.js';
import { pageOwnedNodes, pageOwnedNodesOnWorker } from './page-objects.js';
import { shallowSizes } from './shallow-sizes.js';
import { ephemeronEdgeNames } from './weakmap-edges.js';

/** The dominator tree and what hangs off it. */
export interface DominatorTree {
  /** Immediate dominator of each node (the root is its own). */
  readonly dominators: Uint32Array;
  /** Bytes freed if the node were freed: its shallow size plus all it dominates. Exact. */
  readonly retainedSizes: Float64Array;
  /** `dominated[firstDominated[n]..firstDominated[n + 1]]` are the nodes `n` dominates directly. */
  readonly firstDominated: Uint32Array;
  readonly dominated: Uint32Array;
}

const DOMINATOR_TREE = new AnalysisKey<DominatorTree>('dominator tree');
const ESSENTIAL_EDGES = new AnalysisKey<Int32Array>('essential edges');
const ESSENTIAL_SLOTS = new AnalysisKey<Int32Array>('essential retainer slots');

/**
 * Which edges count when computing dominators, as in DevTools, one bit per edge: not weak, not
 * a self edge, not a `shortcut` (except from the root, where shortcuts mark the globals), not
 * from an engine-owned node into a program-owned one (see `pageOwnedNodes`), and not the
 * table's half of a WeakMap entry (the key's half is kept).
 */
function essentialEdges(graph: HeapGraph): Int32Array {
  return graph.analyses.get(ESSENTIAL_EDGES, () => findEssentialEdges(graph));
}

function findEssentialEdges(graph: HeapGraph): Int32Array {
  const bits = new Int32Array((graph.edgeCount + 31) >>> 5);
  const { params, ephemeronOf, tableIds } = essentialInputs(graph);
  essentialEdgesKernel(graph.nodes, graph.edges, graph.firstEdge, params, pageOwnedNodes(graph), ephemeronOf, tableIds, bits);
  return bits;
}

/**
 * `essentialEdges` on a worker of `pool` (the graph in shared memory), right after the
 * program-owned nodes they need, on the same worker; kept on the graph.
 */
export function essentialEdgesOnWorker(graph: HeapGraph, pool: HeapWorkerPool): Promise<Int32Array> {
  return graph.analyses.getAsync(ESSENTIAL_EDGES, async () => {
    const bits = new Int32Array(new SharedArrayBuffer(4 * ((graph.edgeCount + 31) >>> 5)));
    const { params, ephemeronOf, tableIds } = essentialInputs(graph);
    const job = (page: Uint8Array): EssentialEdgesJob => ({
      kind: 'essential-edges',
      nodes: graph.nodes.buffer,
      edges: graph.edges.buffer,
      firstEdge: graph.firstEdge.buffer,
      params,
      page: page.buffer,
      ephemeronOf,
      tableIds,
      bits: bits.buffer,
    });
    let followed = false;
    const page = await pageOwnedNodesOnWorker(graph, pool, (flags) => {
      followed = true;
      return job(flags);
    });
    if (!followed) await pool.run(job(page));
    return bits;
  });
}

/** The kernel's numbers: the layout, and the WeakMap tables named by ephemeron edge names. */
function essentialInputs(graph: HeapGraph): { params: EssentialEdgesParams; ephemeronOf: Int32Array; tableIds: Float64Array } {
  const { layout, strings } = graph;
  const names = ephemeronEdgeNames(graph);
  const ephemeronOf = new Int32Array(names.length > 0 ? strings.count : 0).fill(-1);
  names.forEach(({ index }, k) => (ephemeronOf[index] = k));
  return {
    params: {
      nodeCount: graph.nodeCount,
      nodeFieldCount: layout.nodeFieldCount,
      nodeIdOffset: layout.nodeIdOffset,
      edgeFieldCount: EDGE_FIELDS,
      toNodeOffset: EDGE_TO_NODE,
      edgeTypeMask: graph.edgePacking.typeMask,
      edgeTypeBits: graph.edgePacking.typeBits,
      weakType: layout.edgeTypes.indexOf('weak'),
      shortcutType: layout.edgeTypes.indexOf('shortcut'),
      internalType: layout.edgeTypes.indexOf('internal'),
      rootOrdinal: graph.rootOrdinal,
    },
    ephemeronOf,
    tableIds: Float64Array.from(names, (name) => name.tableId),
  };
}

/** The Lengauer–Tarjan working arrays, indexed by vertex (node ordinal + 1; 0 means none). */
interface LtArrays {
  /** parent and ancestor share it; afterwards it becomes the Float64 retained sizes. */
  readonly pair: ArrayBufferLike;
  readonly parent: Uint32Array;
  readonly ancestor: Uint32Array;
  readonly vertex: Uint32Array;
  readonly label: Uint32Array;
  readonly semi: Uint32Array;
  readonly dom: Uint32Array;
  /** Next edge of each vertex during the DFS, then the compression stack. */
  readonly scratch: Uint32Array;
}

/**
 * Allocates the working arrays, laid out so that the results can take over their memory
 * afterwards (no big allocation once the tree is known): `pair` becomes the retained sizes;
 * label, semi and scratch the dominated-nodes index; dom the dominators. Shared memory when
 * the graph is, so that a worker can run the depth-first search: then vertex, label, semi and
 * dom are the graph's free work arrays where it has them (memory touched already: see
 * `lendToAnalyses`), else fresh memory.
 */
function ltArrays(graph: HeapGraph, scratch: Uint32Array): LtArrays {
  const size = graph.nodeCount + 1;
  const shared = graph.nodes.buffer instanceof SharedArrayBuffer;
  const taken = (): Uint32Array | undefined => (shared ? scratchArrays(graph).takeFree(size) : undefined);
  const fresh = (): Uint32Array => new Uint32Array(shared ? new SharedArrayBuffer(4 * size) : new ArrayBuffer(4 * size));
  const work = (): Uint32Array => taken() ?? fresh();
  const pair = shared ? new SharedArrayBuffer(8 * size) : new ArrayBuffer(8 * size);
  // (The search reads 0 as "not numbered yet": a work array is cleared first. The other three
  // are written before they are read.)
  const semi = taken()?.fill(0) ?? fresh();
  return {
    pair,
    parent: new Uint32Array(pair, 0, size),
    ancestor: new Uint32Array(pair, 4 * size, size),
    vertex: work(),
    label: work(),
    semi,
    dom: work(),
    scratch: scratch.length === size ? scratch : scratch.subarray(0, size),
  };
}

/**
 * Which retainer slots (see `Retainers`) hold an essential edge: built together with the
 * retainer index when that does not exist yet, else by one more pass in the same order.
 * (So building the retainer index through this, first, costs no extra pass.)
 */
export function essentialRetainerSlots(graph: HeapGraph): Int32Array {
  return graph.analyses.get(ESSENTIAL_SLOTS, () => retainerSlotBits(graph, essentialEdges(graph)));
}

/**
 * `essentialRetainerSlots` with the work on workers of `pool`: the essential edges after the
 * program-owned nodes, then the retainer index with its slot bits where the graph has none yet
 * (see `retainerSlotBitsOnWorker`).
 */
export function essentialRetainerSlotsOnWorker(graph: HeapGraph, pool: HeapWorkerPool): Promise<Int32Array> {
  return graph.analyses.getAsync(ESSENTIAL_SLOTS, async () => {
    const essential = essentialEdgesOnWorker(graph, pool);
    essential.catch(() => {});
    return retainerSlotBitsOnWorker(graph, pool, essential);
  });
}

/**
 * The dominator tree by Lengauer–Tarjan (iterative, typed arrays only), and retained sizes,
 * exactly as DevTools computes them: only `essentialEdges` count; nodes left unreached from
 * the root that have only non-essential retainers are searched from next, hanging off the
 * root; any still unreached (cliques keeping each other alive) hang off the root one by one.
 * Retained sizes start from `shallowSizes`.
 *
 * Computed once per graph and kept (`analyzeGraph` runs its depth-first search on a worker
 * thread: see `dominatorTreeOnWorker`).
 *
 * @example
 * const { dominators, retainedSizes } = dominatorTree(graph)
 */
export function dominatorTree(graph: HeapGraph): DominatorTree {
  return graph.analyses.get(DOMINATOR_TREE, () => buildDominatorTree(graph, undefined));
}

/**
 * `dominatorTree` with the work before Lengauer–Tarjan on workers of `pool`: the essential
 * edges, the retainer index with its essential slots, and the first depth-first search (see
 * `essentialRetainerSlotsOnWorker`); this thread then runs the rest. The result is kept on the
 * graph. `posted` is called once the retainer index is done and the search given to a worker:
 * the place to give the workers their next job (not called when the tree is there or on its
 * way already).
 */
export function dominatorTreeOnWorker(graph: HeapGraph, pool: HeapWorkerPool, posted?: () => void): Promise<DominatorTree> {
  return graph.analyses.getAsync(DOMINATOR_TREE, async () => {
    const slots = essentialRetainerSlotsOnWorker(graph, pool);
    slots.catch(() => {});
    const essential = await essentialEdgesOnWorker(graph, pool);
    const arrays = ltArrays(graph, scratchArrays(graph).take(graph.nodeCount + 1));
    const dfs = pool.run({
      kind: 'dominator-dfs',
      edges: graph.edges.buffer,
      firstEdge: graph.firstEdge.buffer,
      essential,
      edgeStep: EDGE_FIELDS,
      toAt: EDGE_TO_NODE,
      start: graph.rootOrdinal + 1,
      size: arrays.parent.length,
      parentBuffer: arrays.pair,
      vertex: arrays.vertex.buffer,
      vertexOffset: arrays.vertex.byteOffset,
      label: arrays.label.buffer,
      labelOffset: arrays.label.byteOffset,
      semi: arrays.semi.buffer,
      semiOffset: arrays.semi.byteOffset,
      scratch: arrays.scratch.buffer,
      scratchOffset: arrays.scratch.byteOffset,
    });
    dfs.catch(() => {});
    // The search and the retainer index's fill side by side first: both hold up the rest.
    await slots;
    posted?.();
    const { count } = await dfs;
    return buildDominatorTree(graph, { arrays, count });
  });
}

/** The tree, from a depth-first search already done (`prepared`) or done here. */
function buildDominatorTree(graph: HeapGraph, prepared: { arrays: LtArrays; count: number } | undefined): DominatorTree {
  const { nodeCount, edges, firstEdge } = graph;
  const slotBits = essentialRetainerSlots(graph);
  const isEssentialSlot = (k: number): boolean => (slotBits[k >>> 5]! & (1 << (k & 31))) !== 0;
  const essential = essentialEdges(graph);
  const { firstRetainer, retainerNodes } = graph.retainers;
  const edgeStep = EDGE_FIELDS;
  const toAt = EDGE_TO_NODE;

  const { pair, parent, ancestor, vertex, label, semi, dom, scratch } = prepared?.arrays ?? ltArrays(graph, scratchArrays(graph).take(nodeCount + 1));
  const r = graph.rootOrdinal + 1;
  let n = prepared?.count ?? dominatorDfsKernel(edges, firstEdge, essential, edgeStep, toAt, r, 0, parent, vertex, label, semi, scratch);
  const dfs = (start: number): void => {
    n = dominatorDfsKernel(edges, firstEdge, essential, edgeStep, toAt, start, n, parent, vertex, label, semi, scratch);
  };

  if (n < nodeCount) {
    // Nodes whose every retaining edge is non-essential (weak and the like): search from each.
    for (let v = 1; v <= nodeCount; v++) {
      if (semi[v] !== 0) continue;
      let onlyWeak = true;
      for (let i = firstRetainer[v - 1]!; i < firstRetainer[v]!; i++) {
        if (isEssentialSlot(i)) {
          onlyWeak = false;
          break;
        }
      }
      if (!onlyWeak) continue;
      parent[v] = r;
      dfs(v);
    }
  }
  if (n < nodeCount) {
    // Still unreached: cliques that keep one another alive. Each hangs off the root alone.
    for (let v = 1; v <= nodeCount; v++) {
      if (semi[v] !== 0) continue;
      parent[v] = r;
      semi[v] = ++n;
      vertex[n] = label[v] = v;
    }
  }

  const stack = scratch;
  const compress = (start: number): void => {
    let v = start;
    let sp = 0;
    while (ancestor[ancestor[v]!] !== 0) {
      stack[++sp] = v;
      v = ancestor[v]!;
    }
    while (sp > 0) {
      const w = stack[sp--]!;
      const a = ancestor[w]!;
      if (semi[label[a]!]! < semi[label[w]!]!) label[w] = label[a]!;
      ancestor[w] = ancestor[a]!;
    }
  };
  const evaluate = (v: number): number => {
    if (ancestor[v] === 0) return v;
    compress(v);
    return label[v]!;
  };

  // Semidominators, in reverse preorder (eval/link with path compression, as in the paper).
  const semiR = semi[r]!;
  for (let i = n; i >= 2; i--) {
    const w = vertex[i]!;
    let orphan = true;
    for (let k = firstRetainer[w - 1]!; k < firstRetainer[w]!; k++) {
      if (!isEssentialSlot(k)) continue;
      orphan = false;
      const u = evaluate(retainerNodes[k]! + 1);
      if (semi[u]! < semi[w]!) semi[w] = semi[u]!;
    }
    // A node without essential retainers is treated as retained by the root alone.
    if (orphan) semi[w] = semiR;
    ancestor[w] = parent[w]!;
  }
  // Immediate dominators from the semidominators, in preorder ("semi-NCA"): the nearest
  // ancestor in the tree whose number is at most the semidominator's. `ancestor` now serves
  // as each vertex's preorder number.
  for (let i = 1; i <= n; i++) ancestor[vertex[i]!] = i;
  const pre = ancestor;
  dom[0] = dom[r] = r;
  for (let i = 2; i <= n; i++) {
    const w = vertex[i]!;
    const s = semi[w]!;
    let d = parent[w]!;
    while (pre[d]! > s) d = dom[d]!;
    dom[w] = d;
  }

  // dom[v] (vertices) becomes dominators[o] (ordinals), in place.
  for (let v = 1; v <= nodeCount; v++) dom[v] = dom[v]! - 1;
  const dominators = dom.subarray(1);
  const shallow = shallowSizes(graph);
  // Order of the retained-size pass, saved before `pair` is overwritten (vertex stays intact).
  const retainedSizes = new Float64Array(pair, 0, nodeCount);
  for (let o = 0; o < nodeCount; o++) retainedSizes[o] = shallow[o]!;
  // Children before parents: reverse DFS order.
  for (let i = n; i > 1; i--) {
    const o = vertex[i]! - 1;
    retainedSizes[dominators[o]!]! += retainedSizes[o]!;
  }

  // The dominated-nodes index (children of each node in the tree), in node order.
  const firstDominated = label;
  firstDominated.fill(0);
  const root = graph.rootOrdinal;
  for (let o = 0; o < nodeCount; o++) if (o !== root) firstDominated[dominators[o]!]!++;
  let sum = 0;
  for (let o = 0; o < nodeCount; o++) {
    const count = firstDominated[o]!;
    firstDominated[o] = sum;
    sum += count;
  }
  firstDominated[nodeCount] = sum;
  const dominated = semi.subarray(0, sum);
  const cursor = scratch;
  cursor.set(firstDominated);
  for (let o = 0; o < nodeCount; o++) if (o !== root) dominated[cursor[dominators[o]!]!++] = o;
  scratchArrays(graph).give(scratch);
  return { dominators, retainedSizes, firstDominated, dominated };
}
