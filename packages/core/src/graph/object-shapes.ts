import { inSharedMemory, type HeapGraph } from './heap-graph.js';
import { EDGE_FIELDS, EDGE_TYPE_NAME } from '../parser/packed-edges.js';
import {
  PLAIN_OBJECTS_COUNT,
  PLAIN_OBJECTS_ENTRIES,
  PLAIN_OBJECTS_OVERFLOW,
  PLAIN_OBJECTS_RESULT_LENGTH,
  plainObjectsKernel,
  type PlainObjectsParams,
} from '../kernels/plain-objects-kernel.js';
import { HeapWorkerPool } from '../workers/heap-worker-pool.js';
import { JOB_DONE, JOB_STATE, jobDoneFlag } from '../workers/worker-jobs.js';

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

/** What the plain objects' names tell: the shapes DevTools would name, and each object's property set. */
export interface PlainObjectScan {
  /**
   * The shapes DevTools would name in this snapshot, commonest first: each plain object
   * proposes the name made of its properties in order (not `__proto__`, cut at 120
   * characters), and the names proposed by enough objects become shapes.
   */
  readonly shapes: readonly ObjectShape[];
  /** The plain objects (node ordinals, ascending). */
  readonly objects: Uint32Array;
  /** Per node: a plain object's entry (objects with the same property names, in the same order). */
  readonly entryOf: Uint32Array;
  /** Per entry: the number of its property set (a plain object `n`'s is `entrySet[entryOf[n]]`). */
  readonly entrySet: Int32Array;
  /**
   * Each distinct set of property names (all property edges, `__proto__` included) as string
   * indexes, ascending and distinct: set `s` is `setNames[setStart[s]..setStart[s + 1])`.
   */
  readonly setStart: Uint32Array;
  readonly setNames: Int32Array;
  /** The number of sets. */
  readonly setCount: number;
}

/** The plain objects of a graph and their property names, as `plainObjectsKernel` reads them. */
export interface PlainObjectNames {
  /** The plain objects (node ordinals, ascending). */
  readonly objects: Uint32Array;
  /** Per node: a plain object's entry (other nodes' values are not this array's). */
  readonly entryOf: Uint32Array;
  /** Entry `e`'s property names (string indexes, in edge order): `names[entryStart[e]..entryStart[e + 1])`. */
  readonly names: Int32Array;
  readonly entryStart: Uint32Array;
  /** Per entry: its plain objects. */
  readonly entryCount: Uint32Array;
  readonly entries: number;
}

/** Room for the names and entries a worker reads (a snapshot with more is read again on the caller's thread). */
const NAMES_ROOM = 1 << 18;
const ENTRIES_ROOM = 1 << 16;
/**
 * An idle worker starts a job within milliseconds: one that has not started it in this long
 * (it stopped, and the pool does not know yet: it learns that from an event this thread cannot
 * take while it waits) loses it to this thread.
 */
const WORKER_START_MS = 2_000;
/** A worker that has started and not finished in this long is taken for stuck (the read takes well under a second). */
const WORKER_WAIT_MS = 60_000;

/**
 * Reads the plain objects (type `object`, named `Object`) and their property names (see
 * `plainObjectsKernel`) into `objects` (room for one value per node) and `entryOf` (one value
 * per node; only the plain objects' are written): on an idle worker of the process's pool when
 * the graph and both arrays are in shared memory, while this thread goes on with other work,
 * else on this thread. `settle()` gives the result (waiting for the worker, if it has one).
 * Write no plain object's value in `entryOf` until then.
 */
export function readPlainObjects(graph: HeapGraph, objects: Uint32Array, entryOf: Uint32Array): { settle(): PlainObjectNames } {
  const params = plainObjectsParams(graph);
  if (!params) {
    return { settle: () => ({ objects: objects.subarray(0, 0), entryOf, names: new Int32Array(0), entryStart: new Uint32Array(1), entryCount: new Uint32Array(0), entries: 0 }) };
  }
  const local = { settle: () => readOnThisThread(graph, params, objects, entryOf) };
  if (!inSharedMemory(graph) || !(objects.buffer instanceof SharedArrayBuffer) || !(entryOf.buffer instanceof SharedArrayBuffer) || objects.byteOffset !== 0) return local;
  const pool = HeapWorkerPool.leaseRunning();
  if (!pool) return local;
  const names = new Int32Array(new SharedArrayBuffer(NAMES_ROOM * 4));
  const entryStart = new Uint32Array(new SharedArrayBuffer((ENTRIES_ROOM + 1) * 4));
  const entryCount = new Uint32Array(new SharedArrayBuffer((ENTRIES_ROOM + 1) * 4));
  const result = new Int32Array(new SharedArrayBuffer(PLAIN_OBJECTS_RESULT_LENGTH * 4));
  const done = jobDoneFlag();
  const claim = new SharedArrayBuffer(4);
  let running: Promise<unknown> | undefined;
  try {
    running = pool.runIfIdle({
      kind: 'plain-objects',
      done,
      nodes: graph.nodes.buffer,
      edges: graph.edges.buffer,
      firstEdge: graph.firstEdge.buffer,
      params,
      objects: objects.buffer,
      entryOf: entryOf.buffer,
      entryOfOffset: entryOf.byteOffset,
      names: names.buffer,
      entryStart: entryStart.buffer,
      entryCount: entryCount.buffer,
      result: result.buffer,
      claim,
    });
  } finally {
    // (A job given to a worker runs to its end all the same.)
    HeapWorkerPool.release(pool);
  }
  if (!running) return local;
  running.catch(() => {});
  return {
    settle() {
      const claimed = new Int32Array(claim);
      Atomics.wait(claimed, 0, 0, WORKER_START_MS);
      // Not started yet: this thread takes the job (the worker will skip it, if it ever starts).
      if (Atomics.compareExchange(claimed, 0, 0, 2) === 0) return local.settle();
      const flags = new Int32Array(done);
      if (Atomics.wait(flags, JOB_STATE, 0, WORKER_WAIT_MS) === 'timed-out') {
        // (Reading again here could race with a worker that writes late.)
        throw new Error(`the worker reading the plain objects did not answer in ${WORKER_WAIT_MS / 1000} s`);
      }
      if (Atomics.load(flags, JOB_STATE) !== JOB_DONE || result[PLAIN_OBJECTS_OVERFLOW] !== 0) return local.settle();
      const count = result[PLAIN_OBJECTS_COUNT]!;
      const entries = result[PLAIN_OBJECTS_ENTRIES]!;
      return { objects: objects.subarray(0, count), entryOf, names, entryStart: entryStart.subarray(0, entries + 1), entryCount: entryCount.subarray(0, entries), entries };
    },
  };
}

function plainObjectsParams(graph: HeapGraph): PlainObjectsParams | undefined {
  const objectName = graph.strings.indexOf('Object');
  if (objectName < 0) return undefined;
  const { layout } = graph;
  return {
    nodeCount: graph.nodeCount,
    nodeFieldCount: layout.nodeFieldCount,
    typeOffset: layout.nodeTypeOffset,
    nameOffset: layout.nodeNameOffset,
    objectType: layout.nodeTypes.indexOf('object'),
    objectName,
    edgeFieldCount: EDGE_FIELDS,
    edgeTypeNameOffset: EDGE_TYPE_NAME,
    edgeTypeMask: graph.edgePacking.typeMask,
    edgeTypeBits: graph.edgePacking.typeBits,
    propertyType: layout.edgeTypes.indexOf('property'),
  };
}

/** `plainObjectsKernel` here, with room that grows until the names fit. */
function readOnThisThread(graph: HeapGraph, params: PlainObjectsParams, objects: Uint32Array, entryOf: Uint32Array): PlainObjectNames {
  let namesRoom = Math.min(NAMES_ROOM, graph.edgeCount);
  let entriesRoom = Math.min(ENTRIES_ROOM, graph.nodeCount);
  for (;;) {
    const names = new Int32Array(namesRoom);
    const entryStart = new Uint32Array(entriesRoom + 1);
    const entryCount = new Uint32Array(entriesRoom + 1);
    const result = new Int32Array(PLAIN_OBJECTS_RESULT_LENGTH);
    plainObjectsKernel(graph.nodes, graph.edges, graph.firstEdge, params, objects, entryOf, names, entryStart, entryCount, result);
    if (result[PLAIN_OBJECTS_OVERFLOW] === 0) {
      const entries = result[PLAIN_OBJECTS_ENTRIES]!;
      return { objects: objects.subarray(0, result[PLAIN_OBJECTS_COUNT]), entryOf, names, entryStart: entryStart.subarray(0, entries + 1), entryCount: entryCount.subarray(0, entries), entries };
    }
    // (Bounded: there are no more names than edges, nor entries than nodes.)
    namesRoom = Math.min(namesRoom * 4, graph.edgeCount);
    entriesRoom = Math.min(entriesRoom * 4, graph.nodeCount);
  }
}

/**
 * The shapes and each plain object's property set, from the objects' names (`readPlainObjects`),
 * as DevTools matches them. Work is per entry (objects with the same names, a few hundred in a
 * big snapshot), on string indexes: a name is decoded only to make a shape's name, never for
 * the sets (a big one holds thousands: a dictionary's keys).
 *
 * @example scanPlainObjects(graph).shapes[0] // { name: '{id, headers, body}', properties: ['id', 'headers', 'body'] }
 */
export function scanPlainObjects(
  graph: HeapGraph,
  found: PlainObjectNames = readPlainObjects(graph, new Uint32Array(graph.nodeCount), new Uint32Array(graph.nodeCount)).settle(),
): PlainObjectScan {
  const proto = graph.strings.indexOf('__proto__');
  const { objects, names, entryStart, entryCount, entries } = found;
  // By string index: the few property names a shape's name is made of.
  const formattedLength = new Map<number, number>();
  const sequences = new SequenceTable();
  const sets = new SequenceTable();
  const entrySequence = new Int32Array(entries);
  const entrySet = new Int32Array(entries);
  let longest = 0;
  for (let e = 0; e < entries; e++) longest = Math.max(longest, entryStart[e + 1]! - entryStart[e]!);
  const work = new Int32Array(longest);
  for (let e = 0; e < entries; e++) {
    const own = names.subarray(entryStart[e], entryStart[e + 1]);
    // The name it proposes: its properties in order, not `__proto__`, up to 120 characters.
    let k = 0;
    let length = 1; // '{'
    for (let i = 0; i < own.length; i++) {
      const name = own[i]!;
      if (name === proto) continue;
      let width = formattedLength.get(name);
      if (width === undefined) formattedLength.set(name, (width = formatPropertyName(graph.strings.get(name)).length));
      if (length > 1 && length + width > MAX_NAME_LENGTH) break;
      length += (length === 1 ? 0 : 2) + width;
      work[k++] = name;
    }
    entrySequence[e] = k === 0 ? -1 : sequences.intern(work, k);
    // Its set: the names ascending, each once.
    work.set(own);
    const sorted = work.subarray(0, own.length).sort();
    k = 0;
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) work[k++] = sorted[i]!;
    entrySet[e] = sets.intern(work, k);
  }
  // How many objects propose each name, and in which order the names were first proposed
  // (entries come in the order of their first objects).
  const sequenceCount: number[] = [];
  for (let e = 0; e < entries; e++) {
    const sequence = entrySequence[e]!;
    if (sequence >= 0) sequenceCount[sequence] = (sequenceCount[sequence] ?? 0) + entryCount[e]!;
  }
  // Candidates in the order their names were first proposed, merged by name (two sequences can
  // format alike), then the commonest first; a stable sort keeps first-proposed first among equals.
  const byName = new Map<string, { name: string; properties: string[]; count: number }>();
  for (let t = 0; t < sequences.count; t++) {
    const properties = Array.from(sequences.values(t), (name) => graph.strings.get(name));
    const name = `{${properties.map(formatPropertyName).join(', ')}}`;
    const candidate = byName.get(name);
    if (candidate) candidate.count += sequenceCount[t]!;
    else byName.set(name, { name, properties, count: sequenceCount[t]! });
  }
  const candidates = [...byName.values()].sort((a, b) => b.count - a.count);
  const minCount = Math.max(MIN_OBJECTS_PER_SHAPE, objects.length / MIN_PROPORTION_PER_SHAPE);
  const shapes: ObjectShape[] = [];
  for (const { name, properties, count } of candidates) {
    if (count < minCount) break;
    shapes.push({ name, properties });
  }
  const { start: setStart, values: setNames } = sets.flat();
  return { shapes, objects, entryOf: found.entryOf, entrySet, setStart, setNames, setCount: sets.count };
}

/**
 * Sequences of string indexes, each kept once and numbered in the order first seen: a flat
 * pool of values and a hash of each sequence (nothing is allocated per sequence but its place).
 */
class SequenceTable {
  #values = new Int32Array(256);
  #used = 0;
  #start: number[] = [0];
  readonly #byHash = new Map<number, number[]>();

  get count(): number {
    return this.#start.length - 1;
  }

  /** The number of `values[0..length)`, added when new. */
  intern(values: Int32Array, length: number): number {
    let hash = length;
    for (let i = 0; i < length; i++) hash = Math.imul(hash ^ values[i]!, 0x9e3779b1) >>> 0;
    const chain = this.#byHash.get(hash);
    if (chain) {
      for (const t of chain) {
        const from = this.#start[t]!;
        if (this.#start[t + 1]! - from !== length) continue;
        let same = true;
        for (let i = 0; same && i < length; i++) same = this.#values[from + i] === values[i];
        if (same) return t;
      }
    }
    if (this.#used + length > this.#values.length) {
      const grown = new Int32Array(Math.max(2 * this.#values.length, this.#used + length));
      grown.set(this.#values.subarray(0, this.#used));
      this.#values = grown;
    }
    this.#values.set(values.subarray(0, length), this.#used);
    this.#used += length;
    this.#start.push(this.#used);
    const t = this.count - 1;
    if (chain) chain.push(t);
    else this.#byHash.set(hash, [t]);
    return t;
  }

  /** Sequence `t`'s values. */
  values(t: number): Int32Array {
    return this.#values.subarray(this.#start[t], this.#start[t + 1]);
  }

  /** Every sequence, flat: sequence `t` is `values[start[t]..start[t + 1])`. */
  flat(): { start: Uint32Array; values: Int32Array } {
    return { start: Uint32Array.from(this.#start), values: this.#values.subarray(0, this.#used) };
  }
}

/** Set `s` of a scan as `matchObjectShapes` takes it: its names decoded, each once, sorted by UTF-16 code units. */
export function setNamesOf(graph: HeapGraph, scan: PlainObjectScan, s: number): string[] {
  const decoded = Array.from(scan.setNames.subarray(scan.setStart[s], scan.setStart[s + 1]), (name) => graph.strings.get(name)).sort();
  // (Two indexes may hold one text in a snapshot V8 did not write.)
  return decoded.filter((name, i) => i === 0 || name !== decoded[i - 1]);
}

/**
 * `matchObjectShapes` for a scan's sets, on string indexes: the shape each set takes (an index
 * into `shapes`, or -1). Only the shapes' property names are looked for among the sets' names,
 * which are not decoded (see `StringTable.textFinder`).
 */
export function matchShapesOfSets(graph: HeapGraph, scan: PlainObjectScan, shapes: readonly ObjectShape[]): Int32Array {
  const rule = new ShapeRule(shapes);
  const find = graph.strings.textFinder(rule.texts);
  const { setStart, setNames } = scan;
  const result = new Int32Array(scan.setCount);
  for (let s = 0; s < scan.setCount; s++) {
    for (let i = setStart[s]!; i < setStart[s + 1]!; i++) rule.hold(find(setNames[i]!));
    result[s] = rule.match();
  }
  return result;
}

/**
 * The shape each set of property names takes (an index into `shapes`, or -1 for none: the
 * object stays `Object`): the shape with the most properties all in the set, the first listed
 * among equals — DevTools' rule.
 *
 * @example matchObjectShapes([['a', 'b', 'c']], [{ name: '{a, b}', properties: ['a', 'b'] }]) // Int32Array [0]
 */
export function matchObjectShapes(sets: readonly (readonly string[])[], shapes: readonly ObjectShape[]): Int32Array {
  const rule = new ShapeRule(shapes);
  return Int32Array.from(sets, (set) => {
    for (const name of set) rule.hold(rule.textAt.get(name) ?? -1);
    return rule.match();
  });
}

/**
 * DevTools' rule (see `matchObjectShapes`) over numbered texts: the shapes' property names,
 * each once, are `texts`; a set is given by the numbers of the texts it holds (`hold`, once per
 * name, -1 for a name no shape has), then `match` says which shape it takes and starts the next.
 */
class ShapeRule {
  readonly texts: string[] = [];
  readonly textAt = new Map<string, number>();
  /** Per shape: its properties' text numbers, each once. */
  readonly #shapeTexts: number[][];
  /** Per text: the shapes whose first property it is (a shape can match only a set holding that). */
  readonly #byFirst: number[][];
  /** The first shape without properties (it matches any set), or -1. */
  #empty = -1;
  /** Per text: the number of the last set that held it. */
  readonly #heldBy: Int32Array;
  readonly #held: number[] = [];
  #set = 0;

  constructor(shapes: readonly ObjectShape[]) {
    this.#shapeTexts = shapes.map((shape) => [
      ...new Set(
        shape.properties.map((p) => {
          let at = this.textAt.get(p);
          if (at === undefined) this.textAt.set(p, (at = this.texts.push(p) - 1));
          return at;
        }),
      ),
    ]);
    this.#byFirst = this.texts.map(() => []);
    this.#shapeTexts.forEach((own, i) => {
      if (own.length > 0) this.#byFirst[own[0]!]!.push(i);
      else if (this.#empty < 0) this.#empty = i;
    });
    this.#heldBy = new Int32Array(this.texts.length).fill(-1);
  }

  /** The set being matched holds text `at` (-1: a name of no shape). */
  hold(at: number): void {
    if (at < 0 || this.#heldBy[at] === this.#set) return;
    this.#heldBy[at] = this.#set;
    this.#held.push(at);
  }

  /** The shape the set held so far takes, or -1; then the next set starts empty. */
  match(): number {
    const set = this.#set;
    let best = this.#empty;
    let bestSize = best < 0 ? -1 : 0;
    for (const at of this.#held) {
      for (const i of this.#byFirst[at]!) {
        const own = this.#shapeTexts[i]!;
        if (own.length < bestSize || (own.length === bestSize && i > best)) continue;
        if (own.every((t) => this.#heldBy[t] === set)) {
          best = i;
          bestSize = own.length;
        }
      }
    }
    this.#held.length = 0;
    this.#set++;
    return best;
  }
}
