import { SpareMemory, roomFor } from '../parser/spare-memory.js';
import type { HeapGraph } from './heap-graph.js';
import { scratchArrays } from './scratch-arrays.js';

// Everything big goes, not only the arrays the load takes: a caller often still holds the graph while the next one loads.
const RETIRED_FIELDS = ['nodes', 'edges', 'firstEdge', 'nodeCount', 'edgeCount', 'strings', 'locations', 'traceFunctionInfos', 'traceTree', 'samples'] as const;
const RETIRED = new WeakSet<HeapGraph>();

/**
 * The memory `graph` can give a new load (its nodes, edges, edge index, the analyses' free
 * work arrays and their results in shared memory, when the graph is in shared memory). The graph gives it up only when the load first takes a
 * buffer: then it refuses any further use, as its arrays are being overwritten. A graph outside
 * shared memory (a small snapshot), or a load that takes nothing, leaves it whole.
 */
export function spareMemoryOf(graph: HeapGraph): SpareMemory {
  if (RETIRED.has(graph)) throw new TypeError('parseSnapshot: `reuse` names a graph already given to another load; load its file again');
  // (Results a worker writes in place, such as the shallow sizes its load started: waited for here.)
  graph.analyses.settlePending();
  if (graph.analyses.busy) throw new TypeError('parseSnapshot: `reuse` names a graph still being analysed; await its analyses first');
  return new SpareMemory({
    buffers() {
      const arrays = [graph.nodes, graph.edges, graph.firstEdge];
      // An analysis started since the load began keeps the graph: the load uses fresh memory.
      if (RETIRED.has(graph) || graph.analyses.busy || !arrays.every((array) => array.buffer instanceof SharedArrayBuffer)) return [];
      const locations = graph.locations.buffer instanceof SharedArrayBuffer ? [graph.locations.buffer] : [];
      return [...arrays.map((array) => array.buffer as SharedArrayBuffer), ...locations, ...scratchArrays(graph).peek(), ...graph.analyses.sharedBuffers()];
    },
    giveUp() {
      scratchArrays(graph).drain();
      graph.analyses.clear();
      RETIRED.add(graph);
      const refuse = (): never => {
        throw new TypeError('this graph was given to parseSnapshot as `reuse`: its memory went to that load; load its file again to use it');
      };
      // Not enumerable: spreading or logging the graph does not trip them.
      for (const field of RETIRED_FIELDS) Object.defineProperty(graph, field, { get: refuse, configurable: true, enumerable: false });
    },
  });
}

/**
 * Hands spares the load did not use to its graph's analyses as work arrays — only as many as
 * they use, and no bigger than one value per node with room (twice the room: the snapshot before
 * may have been a little bigger): the rest is dropped, so that a long series of loads never
 * carries more than one graph's memory along.
 */
export function giveRestToAnalyses(graph: HeapGraph, spare: SpareMemory): void {
  const scratch = scratchArrays(graph);
  const largest = roomFor(roomFor(graph.nodeCount + 1)) * 4;
  const useful = spare.rest().filter((buffer) => buffer.byteLength % 4 === 0 && buffer.byteLength <= largest);
  for (const buffer of useful.slice(-SPARES_KEPT)) scratch.give(new Uint32Array(buffer));
}

/**
 * Lends `buffers` (shared memory touched already, see `SlabPool.lendIdle`) to the graph's
 * analyses as work arrays of one value per node, each cut into as many as it holds, up to
 * what the analyses use at once. Only a buffer whose every piece is used is lent: a graph
 * keeps a lent buffer whole for as long as it lives (and, a WebAssembly memory, some 10 GiB of
 * address space with it), so a small graph, whose arrays would fill a corner of one, borrows
 * none. Returns the buffers lent; the caller may keep the others.
 */
export function lendToAnalyses(graph: HeapGraph, buffers: readonly SharedArrayBuffer[]): SharedArrayBuffer[] {
  const scratch = scratchArrays(graph);
  const length = graph.nodeCount + 1;
  const lent: SharedArrayBuffer[] = [];
  for (const buffer of buffers) {
    const count = Math.floor(buffer.byteLength / (length * 4));
    if (count === 0 || count > WORK_ARRAYS - scratch.freeCount) continue;
    const pieceLength = Math.floor(buffer.byteLength / 4 / count);
    for (let k = 0; k < count; k++) scratch.givePiece(new Uint32Array(buffer, k * pieceLength * 4, pieceLength));
    lent.push(buffer);
  }
  return lent;
}

/**
 * Work arrays of one value per node the analyses of a graph use at most: the dominator tree's
 * four (see `ltArrays`), its search's stack, the distances' queue and the shallow sizes. Lent
 * memory is cut into no more.
 */
const WORK_ARRAYS = 7;
/**
 * Spare arrays a load keeps from the graph before, at most (the rest is dropped): fewer than the
 * analyses could use, so that a long series of loads never carries more than one graph's memory
 * along (test/core/reuse-memory.test.ts holds it to this).
 */
const SPARES_KEPT = 4;
