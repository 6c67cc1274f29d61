import type { HeapGraph } from './heap-graph.js';
import { scratchArrays } from './scratch-arrays.js';

/**
 * Room left in a fresh shared array beyond what its snapshot needs, so that the next, slightly
 * bigger snapshot of a series fits in it when it is reused. Pages never written are never
 * given memory by the operating system: the room costs address space only.
 */
const ROOM = 1 / 8;

/**
 * The shared memory of a graph the caller is done with, for the next load to write into
 * instead of fresh memory (`parseSnapshot(file, { reuse: graph })`). On big snapshots fresh
 * memory is a good part of a load's time: the operating system zeroes each page on first
 * touch, and on a virtual machine the host maps it too (measured on this project's 2-core VM:
 * 3.5–4.5 ms per MB, about 2.5 s of a 740 MB snapshot's load).
 */
export class SpareMemory {
  readonly #free: SharedArrayBuffer[];

  constructor(buffers: readonly SharedArrayBuffer[]) {
    this.#free = [...new Set(buffers)].sort((a, b) => a.byteLength - b.byteLength);
  }

  /** The smallest spare buffer of at least `bytes`, taken out of the spares; undefined when none is big enough. */
  take(bytes: number): SharedArrayBuffer | undefined {
    const index = this.#free.findIndex((buffer) => buffer.byteLength >= bytes);
    return index < 0 ? undefined : this.#free.splice(index, 1)[0];
  }

  /** The buffers no one took. */
  rest(): SharedArrayBuffer[] {
    return this.#free.splice(0);
  }
}

/**
 * A Uint32Array of exactly `length` values in shared memory: on a spare buffer when one is big
 * enough, else on a fresh one with room for a bigger snapshot of the same series. Its contents
 * are whatever the spare held: the caller writes every value before reading it.
 */
export function sharedUint32Array(length: number, spare: SpareMemory | undefined): Uint32Array {
  const buffer = spare?.take(length * 4) ?? new SharedArrayBuffer(Math.ceil(length * (1 + ROOM)) * 4);
  return new Uint32Array(buffer, 0, length);
}

const RETIRED_FIELDS = ['nodes', 'edges', 'firstEdge', 'nodeCount', 'edgeCount'] as const;

/**
 * Takes the shared memory of `graph` (its nodes, edges, edge index and the analyses' free work
 * arrays) for a new load, and makes the graph refuse any further use: its arrays are about to
 * be overwritten. A graph outside shared memory (a small snapshot) gives nothing and stays
 * usable.
 */
export function retireGraph(graph: HeapGraph): SpareMemory {
  if (graph.analyses.busy) throw new TypeError('parseSnapshot: `reuse` names a graph still being analysed; await its analyses first');
  const arrays = [graph.nodes, graph.edges, graph.firstEdge];
  if (!arrays.every((array) => array.buffer instanceof SharedArrayBuffer)) return new SpareMemory([]);
  const buffers = [...arrays.map((array) => array.buffer as SharedArrayBuffer), ...scratchArrays(graph).drain()];
  const refuse = (): never => {
    throw new TypeError('this graph was given to parseSnapshot as `reuse`: its memory now holds another snapshot; load it again to use it');
  };
  for (const field of RETIRED_FIELDS) Object.defineProperty(graph, field, { get: refuse, configurable: true, enumerable: true });
  graph.analyses.clear();
  return new SpareMemory(buffers);
}

/** Whether `retireGraph` was called on the graph. */
export function isRetired(graph: HeapGraph): boolean {
  return Object.getOwnPropertyDescriptor(graph, 'nodes')?.get !== undefined;
}

/** Hands the spares a load did not use to its graph's analyses, as work arrays. */
export function giveRestToAnalyses(graph: HeapGraph, spare: SpareMemory): void {
  const scratch = scratchArrays(graph);
  for (const buffer of spare.rest()) if (buffer.byteLength % 4 === 0) scratch.give(new Uint32Array(buffer));
}
