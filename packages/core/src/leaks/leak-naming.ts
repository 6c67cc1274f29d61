import { AnalysisKey } from '../graph/analysis-cache.js';
import { classKeys, type ClassKeys } from '../graph/class-keys.js';
import type { HeapGraph } from '../graph/heap-graph.js';
import { isProgramConstructor } from '../graph/program-classes.js';

/** Node types that are the engine's and never name a leak. */
const INTERNAL_TYPES = new Set(['hidden', 'code', 'object shape', 'synthetic', 'array', 'native']);
const PRIMITIVE_CLASSES = new Set(['(string)', '(concatenated string)', '(sliced string)', '(number)', '(heap number)', '(bigint)', '(symbol)']);
/** Strings of every representation: a leak of them reads as `(string)`. */
export const STRING_CLASSES: readonly string[] = ['(string)', '(concatenated string)', '(sliced string)'];

const CLASS_KINDS = new AnalysisKey<ClassKinds>('class kinds');
/** Node's classes that only hold what the program gave them: always looked through. */
const NODE_CONTAINERS: ReadonlySet<string> = new Set(['Timeout', 'Immediate', 'TimersList']);

/** The kinds of the graph's classes (its `classKeys`, by shape): made once per graph. */
export function classKinds(graph: HeapGraph): ClassKinds {
  return graph.analyses.get(CLASS_KINDS, () => new ClassKinds(graph, classKeys(graph)));
}

/** How each class reads to a person fixing a leak: the program's own, a built-in, or the engine's. */
export class ClassKinds {
  readonly #user: Uint8Array;
  readonly #internal: Uint8Array;
  readonly #primitive: Uint8Array;
  readonly #library: Uint8Array;
  readonly #programClass: Uint8Array;

  constructor(graph: HeapGraph, keys: ClassKeys) {
    const count = keys.names.length;
    this.#library = new Uint8Array(count);
    this.#programClass = new Uint8Array(count);
    this.#user = new Uint8Array(count);
    this.#internal = new Uint8Array(count);
    this.#primitive = new Uint8Array(count);
    keys.names.forEach((name, k) => {
      const at = keys.locations[k];
      // The program's classes: constructors in its own scripts (not Node's `node:` ones), and plain objects by shape.
      this.#programClass[k] = isProgramConstructor(name, at) ? 1 : 0;
      this.#user[k] = this.#programClass[k] || name.startsWith('{') ? 1 : 0;
      this.#internal[k] = name.startsWith('system / ') || name === '(system)' || name === '(compiled code)' || name === '(object shape)' || name === '(array)' ? 1 : 0;
      this.#primitive[k] = PRIMITIVE_CLASSES.has(name) ? 1 : 0;
      this.#library[k] = at !== undefined && at.url.startsWith('node:') && !NODE_CONTAINERS.has(name) ? 1 : 0;
    });
    // A class whose nodes are all of an engine type is the engine's.
    const seenOther = new Uint8Array(count);
    const internalType = new Uint8Array(graph.layout.nodeTypes.length);
    graph.layout.nodeTypes.forEach((t, i) => (internalType[i] = INTERNAL_TYPES.has(t) ? 1 : 0));
    for (let n = 0; n < graph.nodeCount; n++) if (!internalType[graph.nodeTypeIndex(n)]) seenOther[keys.keyOf[n]!] = 1;
    for (let k = 0; k < count; k++) if (!seenOther[k]) this.#internal[k] = 1;
  }

  /** A class of the program's own code: a leak is named after it. */
  isUser(key: number): boolean {
    return this.#user[key] === 1;
  }

  /** The engine's bookkeeping (`system / Context`, `(system)`, code, shapes): never a headline. */
  isInternal(key: number): boolean {
    return this.#internal[key] === 1;
  }

  /** A class the program defines (a constructor in its own scripts; plain objects are user classes but not these). */
  isProgramClass(key: number): boolean {
    return this.#programClass[key] === 1;
  }

  /**
   * A class of Node's own library (`IncomingMessage`, `Socket`, `EventEmitter`; not its timers):
   * looked through when it holds objects of the program's classes, else the leak's headline
   * (a request kept by a listener leaks as `IncomingMessage`, not as its event table).
   */
  isLibrary(key: number): boolean {
    return this.#library[key] === 1;
  }

  /** Strings, numbers, symbols, bigints. */
  isPrimitive(key: number): boolean {
    return this.#primitive[key] === 1;
  }
}
