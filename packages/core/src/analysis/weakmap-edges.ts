import type { HeapGraph } from '../graph/heap-graph.js';

/**
 * V8 names the two internal edges that keep a WeakMap value alive after the entry, for example
 * `7 / part of key (Object @123) -> value (Foo @456) pair in WeakMap (table @789)`: one from
 * the key, one from the table. `duplicatedPart` is the same in both; `tableId` names the table.
 */
export interface EphemeronEdgeName {
  readonly duplicatedPart: string;
  readonly tableId: number;
}

const EPHEMERON_NAME =
  /^\d+(?<duplicatedPart> \/ part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(?<tableId>\d+)\))$/;

/** Recognises ephemeron edge names, each string decoded and matched at most once. */
export class EphemeronEdgeNames {
  readonly #graph: HeapGraph;
  /** Per string index: 0 not looked at, 1 not an ephemeron name, 2 one (in #matches). */
  readonly #state: Uint8Array;
  readonly #matches = new Map<number, EphemeronEdgeName>();

  constructor(graph: HeapGraph) {
    this.#graph = graph;
    this.#state = new Uint8Array(graph.strings.count);
  }

  /** The parts of the name at `stringIndex`, or undefined when it is not an ephemeron edge name. */
  parse(stringIndex: number): EphemeronEdgeName | undefined {
    const state = this.#state[stringIndex];
    if (state === 1) return undefined;
    if (state === 2) return this.#matches.get(stringIndex);
    const strings = this.#graph.strings;
    // Cheap test on the raw bytes before any decoding: these names end with ")".
    const match = strings.byteLength(stringIndex) > 40 ? EPHEMERON_NAME.exec(strings.get(stringIndex)) : null;
    if (!match?.groups) {
      this.#state[stringIndex] = 1;
      return undefined;
    }
    const parsed = { duplicatedPart: match.groups['duplicatedPart']!, tableId: Number(match.groups['tableId']) };
    this.#state[stringIndex] = 2;
    this.#matches.set(stringIndex, parsed);
    return parsed;
  }
}
