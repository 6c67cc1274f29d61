import { closerRetainer, type RetainerStep } from '../analysis/retainer-path.js';
import type { HeapGraph } from '../graph/heap-graph.js';

/**
 * Names the way to each node from the GC roots so that ways that differ only in array
 * indexes, map keys, dictionary keys or the length of a linked list read the same:
 * `(GC roots)/(Global handles)/global/sessions:Map/table/[]/…`. Each node's signature builds
 * on its retainer's (the shortest retainer path's next step), computed once and kept.
 */
export class PathSignatures {
  readonly #graph: HeapGraph;
  /**
   * Per node whose signature is known: its number. (A map, not an array per node: only the
   * nodes on the ways of the nodes asked about are ever in it, a few thousand of millions, and
   * an array's pages written here and there would each take fresh memory.)
   */
  readonly #signatureOf = new Map<number, number>();
  readonly #texts: string[] = [];
  readonly #numbers = new Map<string, number>();
  readonly #lastStep: string[] = [];
  readonly #property: number;
  readonly #element: number;
  readonly #hidden: number;

  constructor(graph: HeapGraph) {
    this.#graph = graph;
    this.#property = graph.layout.edgeTypes.indexOf('property');
    this.#element = graph.layout.edgeTypes.indexOf('element');
    this.#hidden = graph.layout.edgeTypes.indexOf('hidden');
  }

  /** The signature of `node` (a number; equal numbers, equal ways). */
  of(node: number): number {
    const known = this.#signatureOf.get(node);
    if (known !== undefined) return known;
    // Walk up to a node whose signature is known (or the root), then fill in on the way down.
    const chain: number[] = [];
    const steps: (RetainerStep | undefined)[] = [];
    let at = node;
    let parent = -1;
    for (;;) {
      const signature = this.#signatureOf.get(at);
      if (signature !== undefined) {
        parent = signature;
        break;
      }
      const step = closerRetainer(this.#graph, at);
      chain.push(at);
      steps.push(step);
      if (!step) break;
      at = step.from;
      if (chain.length > this.#graph.nodeCount) break;
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const n = chain[i]!;
      const step = steps[i];
      const stepText = step ? `${this.#edgeText(step)}:${this.#graph.className(n)}` : this.#graph.className(n);
      // A run of the same step (a linked list: _idleNext:Timeout/_idleNext:Timeout/…) reads as one.
      const signature = parent >= 0 && this.#lastStep[parent] === stepText ? parent : this.#intern(parent, stepText);
      this.#signatureOf.set(n, signature);
      parent = signature;
    }
    return parent;
  }

  /** The text of signature `s`, steps joined with `/` (for tests and debugging). */
  text(s: number): string {
    return this.#texts[s]!;
  }

  #intern(parent: number, step: string): number {
    const text = parent >= 0 ? `${this.#texts[parent]}/${step}` : step;
    let s = this.#numbers.get(text);
    if (s === undefined) {
      s = this.#texts.length;
      this.#texts.push(text);
      this.#lastStep.push(step);
      this.#numbers.set(text, s);
    }
    return s;
  }

  /** An edge as a signature step: indexes as `[]`, keys of big dictionaries as `{}`, digits as `#`. */
  #edgeText({ from, edge }: RetainerStep): string {
    const graph = this.#graph;
    const type = graph.edgeTypeIndex(edge);
    if (type === this.#element || type === this.#hidden) return '[]';
    // An object used as a dictionary (many properties): its keys are data, not structure.
    if (type === this.#property && graph.firstEdge[from + 1]! - graph.firstEdge[from]! > 64) return '{}';
    return graph.edgeName(edge).replace(/\d+/g, '#');
  }
}
