import {
  classMembers,
  dominatorTree,
  nodeDistances,
  NO_DISTANCE,
  shallowSizes,
  summarizeClasses,
  type ClassSummaryRow,
  type HeapGraph,
} from '@heapdiff/core';
import { distanceCell, objectLabel } from '@heapdiff/reporter';

/** How an instance list is ordered: biggest retained or shallow size first, nearest first, or by id. */
export type InstanceSort = 'retained' | 'shallow' | 'distance' | 'id';

/** One object as a row of an instance list. */
export interface InstanceRow {
  readonly node: number;
  readonly id: number;
  readonly className: string;
  /**
   * How the row names it: its class and id, then what tells it from its neighbours — a
   * function's name, a string's text, a regular expression's source. Printable.
   */
  readonly label: string;
  readonly selfSize: number;
  readonly retainedSize: number;
  /** Edges from the GC roots; undefined when nothing reaches it. */
  readonly distance: number | undefined;
}

/**
 * The last snapshot as the UI browses it: the class summary (with retained sizes) and, on
 * demand, any class's objects in any order. Instance lists are sorted once per list and key,
 * then kept: a keystroke only reads the rows on screen.
 */
export class SnapshotModel {
  readonly graph: HeapGraph;
  readonly classes: readonly ClassSummaryRow[];
  readonly totalCount: number;
  readonly totalSelfSize: number;
  readonly #lists = new Map<string, Uint32Array>();

  constructor(graph: HeapGraph) {
    this.graph = graph;
    const summary = summarizeClasses(graph, { retained: true });
    this.classes = summary.rows;
    this.totalCount = summary.totalCount;
    this.totalSelfSize = summary.totalSelfSize;
  }

  /** The objects of a class (`ClassSummaryRow.classKey`), in snapshot order. */
  members(classKey: number): Uint32Array {
    return this.#kept(`class ${classKey}`, () => classMembers(this.graph, classKey));
  }

  /**
   * A list of objects in the given order (biggest first for sizes, nearest first for distance,
   * lowest id first), sorted on first use and kept under `name` (one name per list).
   */
  sorted(name: string, list: () => Uint32Array, sort: InstanceSort): Uint32Array {
    return this.#kept(`${name} by ${sort}`, () => {
      const sorted = Uint32Array.from(this.#kept(name, list));
      const graph = this.graph;
      switch (sort) {
        case 'retained': {
          const retained = dominatorTree(graph).retainedSizes;
          return sorted.sort((a, b) => retained[b]! - retained[a]! || a - b);
        }
        case 'shallow': {
          const shallow = shallowSizes(graph);
          return sorted.sort((a, b) => shallow[b]! - shallow[a]! || a - b);
        }
        case 'distance': {
          const distances = nodeDistances(graph);
          return sorted.sort((a, b) => distances[a]! - distances[b]! || a - b);
        }
        case 'id':
          return sorted.sort((a, b) => graph.nodeId(a) - graph.nodeId(b));
      }
    });
  }

  /** What an instance row shows. */
  row(node: number): InstanceRow {
    const distance = nodeDistances(this.graph)[node]!;
    return {
      node,
      id: this.graph.nodeId(node),
      className: this.graph.className(node),
      label: objectLabel({ className: this.graph.className(node), id: this.graph.nodeId(node), type: this.graph.nodeType(node), name: this.graph.nodeName(node) }),
      selfSize: shallowSizes(this.graph)[node]!,
      retainedSize: dominatorTree(this.graph).retainedSizes[node]!,
      distance: distance === NO_DISTANCE ? undefined : distance,
    };
  }

  #kept(name: string, make: () => Uint32Array): Uint32Array {
    let list = this.#lists.get(name);
    if (!list) {
      list = make();
      this.#lists.set(name, list);
    }
    return list;
  }
}

/** A distance as a cell (`5 (system)`, `–` when nothing reaches the object): the reporter's rule. */
export function distanceText(distance: number | undefined): string {
  return distance === undefined ? '–' : distanceCell(distance);
}
