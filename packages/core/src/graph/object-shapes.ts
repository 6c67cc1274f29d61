import type { HeapGraph } from './heap-graph.js';
import { EDGE_FIELDS, EDGE_TYPE_NAME } from '../parser/packed-edges.js';

/**
 * A name for plain objects (`{}` literals: type `object`, name `Object`) by their properties,
 * as DevTools' Summary groups them: `{id, headers, body}`. An object takes the definition
 * with the most properties that it has all of (more properties of its own do not matter);
 * between two as long, the one listed first.
 */
export interface ObjectShape {
  /** `{id, headers, body}`: the properties in the order the commonest such object has them. */
  readonly name: string;
  readonly properties: readonly string[];
}

// DevTools' limits (HeapSnapshot.ts): a name stops growing past 120 characters once it has a
// property; a shape must match at least 2 objects and 1 in 1,000 of the plain objects.
const MAX_NAME_LENGTH = 120;
const MIN_OBJECTS_PER_SHAPE = 2;
const MIN_PROPORTION_PER_SHAPE = 1000;

/** A property name as it reads inside a shape name: quoted when it holds `,`, quotes or braces. */
export function formatPropertyName(name: string): string {
  if (!/[,'"{}]/.test(name)) return name;
  const json = JSON.stringify({ [name]: 0 });
  return json.substring(1, json.length - 3);
}

/** What one pass over the plain objects finds: the shapes DevTools would name, and each object's property set. */
export interface PlainObjectScan {
  /**
   * The shapes DevTools would name in this snapshot, commonest first: each plain object
   * proposes the name made of its properties in order (not `__proto__`, cut at 120
   * characters), and the names proposed by enough objects become shapes.
   */
  readonly shapes: readonly ObjectShape[];
  /** The plain objects (node ordinals, ascending): the ones given, or all the graph has. */
  readonly objects: Uint32Array;
  /** Per entry of `objects`: the index of its set in `sets`. */
  readonly setOf: Int32Array;
  /** Each distinct set of property names (all property edges, `__proto__` included), sorted by UTF-16 code units. */
  readonly sets: readonly (readonly string[])[];
}

/**
 * The plain objects of the graph (type `object`, named `Object`), ascending: the front of
 * `into` when given (a work array of at least one value per node), else a new array.
 */
export function plainObjectsOf(graph: HeapGraph, into?: Uint32Array): Uint32Array {
  const objectType = graph.layout.nodeTypes.indexOf('object');
  const objectName = graph.strings.indexOf('Object');
  if (objectName < 0) return new Uint32Array(0);
  const { nodes } = graph;
  const fields = graph.layout.nodeFieldCount;
  const [typeAt, nameAt] = [graph.layout.nodeTypeOffset, graph.layout.nodeNameOffset];
  const out = into ?? new Uint32Array(graph.nodeCount);
  let count = 0;
  for (let n = 0, base = 0; n < graph.nodeCount; n++, base += fields) {
    if (nodes[base + typeAt] === objectType && nodes[base + nameAt] === objectName) out[count++] = n;
  }
  return into ? out.subarray(0, count) : out.slice(0, count);
}

/**
 * One pass over the plain objects' edges that both infers the shapes and interns each object's
 * set of property names, as DevTools matches them. Sequences and sets of string indexes are
 * counted in two tries and looked up by a hash of the names, so nothing is built per object;
 * a set's names are decoded and sorted once.
 *
 * `objects`: the graph's plain objects when the caller has them already (see `plainObjectsOf`).
 *
 * @example scanPlainObjects(graph).shapes[0] // { name: '{id, headers, body}', properties: ['id', 'headers', 'body'] }
 */
export function scanPlainObjects(graph: HeapGraph, objects: Uint32Array = plainObjectsOf(graph)): PlainObjectScan {
  const property = graph.layout.edgeTypes.indexOf('property');
  const proto = graph.strings.indexOf('__proto__');
  const { edges, firstEdge } = graph;
  const edgeFields = EDGE_FIELDS;
  const { typeMask, typeBits } = graph.edgePacking;
  const setOf = new Int32Array(objects.length);
  // By string index: the few property names seen (not an array over every string: fresh memory).
  const formattedLength = new Map<number, number>();
  // Proposed names: a trie of property sequences; node 0 is the empty sequence.
  const seqChildren: Map<number, number>[] = [new Map()];
  const seqParent: number[] = [-1];
  const seqLabel: number[] = [-1];
  const seqCount: number[] = [0];
  const seqFirstSeen: number[] = [-1];
  let seen = 0;
  // Property sets: a trie of ascending string indexes; a node that ends a set owns its number.
  const setChildren: Map<number, number>[] = [new Map()];
  const setAt: number[] = [-1];
  const setRaw: Int32Array[] = [];
  let scratch = new Int32Array(64);
  const memo = new Map<number, number[]>();
  const entryNames: Int32Array[] = [];
  const entrySequence: number[] = [];
  const entrySet: number[] = [];
  const plainObjects = objects.length;
  /** The trie node of the name an object with these properties (in order) proposes; 0 for none. */
  const proposedSequence = (names: Int32Array, k: number): number => {
    let length = 1; // '{'
    let at = 0;
    for (let i = 0; i < k; i++) {
      const name = names[i]!;
      if (name === proto) continue;
      let width = formattedLength.get(name);
      if (width === undefined) formattedLength.set(name, (width = formatPropertyName(graph.strings.get(name)).length));
      if (length > 1 && length + width > MAX_NAME_LENGTH) break;
      length += (length === 1 ? 0 : 2) + width;
      let next = seqChildren[at]!.get(name);
      if (next === undefined) {
        next = seqChildren.length;
        seqChildren.push(new Map());
        seqParent.push(at);
        seqLabel.push(name);
        seqCount.push(0);
        seqFirstSeen.push(-1);
        seqChildren[at]!.set(name, next);
      }
      at = next;
    }
    return at;
  };
  /** The number of the set of these (ascending) names, interned. */
  const propertySet = (names: Int32Array, k: number): number => {
    let node = 0;
    for (let i = 0; i < k; i++) {
      const name = names[i]!;
      if (i > 0 && name === names[i - 1]) continue;
      let next = setChildren[node]!.get(name);
      if (next === undefined) {
        next = setChildren.length;
        setChildren.push(new Map());
        setAt.push(-1);
        setChildren[node]!.set(name, next);
      }
      node = next;
    }
    if (setAt[node]! < 0) {
      setAt[node] = setRaw.length;
      setRaw.push(names.slice(0, k));
    }
    return setAt[node]!;
  };
  for (let i = 0; i < objects.length; i++) {
    const n = objects[i]!;
    const from = firstEdge[n]!;
    const to = firstEdge[n + 1]!;
    if (to - from > scratch.length) scratch = new Int32Array(to - from);
    let k = 0;
    for (let ebase = from * edgeFields; ebase < to * edgeFields; ebase += edgeFields) {
      const typeAndName = edges[ebase + EDGE_TYPE_NAME]!;
      if ((typeAndName & typeMask) === property) scratch[k++] = typeAndName >>> typeBits;
    }
    // Objects of one kind share their answers: look the names up by a hash of them.
    let hash = k;
    for (let i = 0; i < k; i++) hash = Math.imul(hash ^ scratch[i]!, 0x9e3779b1) >>> 0;
    let entry = -1;
    const chain = memo.get(hash);
    if (chain) {
      for (const candidate of chain) {
        const names = entryNames[candidate]!;
        let same = names.length === k;
        for (let i = 0; same && i < k; i++) same = names[i] === scratch[i];
        if (same) {
          entry = candidate;
          break;
        }
      }
    }
    if (entry < 0) {
      entry = entryNames.length;
      entryNames.push(scratch.slice(0, k));
      entrySequence.push(proposedSequence(scratch, k));
      entrySet.push(propertySet(scratch.subarray(0, k).sort(), k));
      if (chain) chain.push(entry);
      else memo.set(hash, [entry]);
    }
    const previousSequence = entrySequence[entry]!;
    const previousSet = entrySet[entry]!;
    if (previousSequence !== 0) {
      if (seqCount[previousSequence] === 0) seqFirstSeen[previousSequence] = seen++;
      seqCount[previousSequence]!++;
    }
    setOf[i] = previousSet;
  }
  const sets = setRaw.map((raw) => [...new Set(Array.from(raw, (s) => graph.strings.get(s)))].sort());

  // Candidates in the order their names were first proposed, merged by name (two sequences can
  // format alike), then the commonest first; a stable sort keeps first-proposed first among equals.
  const proposed: number[] = [];
  for (let t = 1; t < seqCount.length; t++) if (seqCount[t]! > 0) proposed.push(t);
  proposed.sort((a, b) => seqFirstSeen[a]! - seqFirstSeen[b]!);
  const byName = new Map<string, { name: string; properties: string[]; count: number }>();
  for (const t of proposed) {
    const properties: string[] = [];
    for (let at = t; at > 0; at = seqParent[at]!) properties.push(graph.strings.get(seqLabel[at]!));
    properties.reverse();
    const name = `{${properties.map(formatPropertyName).join(', ')}}`;
    const candidate = byName.get(name);
    if (candidate) candidate.count += seqCount[t]!;
    else byName.set(name, { name, properties, count: seqCount[t]! });
  }
  const candidates = [...byName.values()].sort((a, b) => b.count - a.count);
  const minCount = Math.max(MIN_OBJECTS_PER_SHAPE, plainObjects / MIN_PROPORTION_PER_SHAPE);
  const shapes: ObjectShape[] = [];
  for (const { name, properties, count } of candidates) {
    if (count < minCount) break;
    shapes.push({ name, properties });
  }
  return { shapes, objects, setOf, sets };
}

/**
 * The shape each set of property names takes (an index into `shapes`, or -1 for none: the
 * object stays `Object`): the shape with the most properties all in the set, the first listed
 * among equals — DevTools' rule.
 *
 * @example matchObjectShapes([['a', 'b', 'c']], [{ name: '{a, b}', properties: ['a', 'b'] }]) // Int32Array [0]
 */
export function matchObjectShapes(sets: readonly (readonly string[])[], shapes: readonly ObjectShape[]): Int32Array {
  const result = new Int32Array(sets.length).fill(-1);
  const shapeSets = shapes.map((shape) => new Set(shape.properties));
  // Candidates by property: a shape can match only a set holding its first (sorted) property.
  const byFirst = new Map<string, number[]>();
  let empty = -1;
  shapes.forEach((shape, i) => {
    const sorted = [...shapeSets[i]!].sort();
    if (sorted.length === 0) {
      if (empty < 0) empty = i;
      return;
    }
    const list = byFirst.get(sorted[0]!) ?? [];
    list.push(i);
    byFirst.set(sorted[0]!, list);
  });
  for (let s = 0; s < sets.length; s++) {
    const set = sets[s]!;
    const has = new Set(set);
    let best = empty;
    let bestSize = empty < 0 ? -1 : 0;
    for (const name of set) {
      for (const i of byFirst.get(name) ?? []) {
        const size = shapeSets[i]!.size;
        if (size < bestSize || (size === bestSize && i > best)) continue;
        let all = true;
        for (const p of shapeSets[i]!) {
          if (!has.has(p)) {
            all = false;
            break;
          }
        }
        if (all) {
          best = i;
          bestSize = size;
        }
      }
    }
    result[s] = best;
  }
  return result;
}
