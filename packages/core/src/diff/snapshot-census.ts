import { treeOf, type DominatedTree } from '../analysis/class-retained-sizes.js';
import { shallowSizes } from '../analysis/shallow-sizes.js';
import { buildClassKeys, durableKey, type SourceLocation } from '../graph/class-keys.js';
import { HeapGraph, inSharedMemory } from '../graph/heap-graph.js';
import { scratchArrays } from '../graph/scratch-arrays.js';
import { matchObjectShapes, type ObjectShape } from '../graph/object-shapes.js';

/** A class of a census: plain objects stay unnamed (`set`) until a comparison names them. */
export interface CensusClass {
  readonly name: string;
  readonly location: SourceLocation | undefined;
  /** For plain objects: their sorted property names, named by the shapes of the newer snapshot. */
  readonly set: readonly string[] | undefined;
  /** A user object that shares its name with a class of node types (`Function`): kept apart. */
  readonly typeNamedObject: boolean;
}

/**
 * What a comparison needs of a snapshot, without its graph: per node its id, class and shallow
 * size, the nodes in id order, and optionally the dominator tree for retained sizes per class.
 * About a third of a loaded graph's memory (16 bytes a node, 32 with the tree), so an older
 * snapshot can be kept this way while the next one loads.
 *
 * @example
 * const base = takeCensus(await parseSnapshot('before.heapsnapshot'))   // the graph can go now
 * const diff = diffSnapshots(base, await parseSnapshot('after.heapsnapshot'))
 */
export interface SnapshotCensus {
  readonly nodeCount: number;
  /** The highest odd (JavaScript object) id: objects allocated later have higher ones. */
  readonly maxJsNodeId: number;
  /** The shapes this snapshot's own plain objects suggest (a comparison uses the newer one's). */
  readonly shapes: readonly ObjectShape[];
  readonly classes: readonly CensusClass[];
  /** Per class: its objects of non-zero shallow size (as the summary counts them). */
  readonly classCounts: Float64Array;
  /** A sample of the JavaScript objects (odd ids, at most 5,000, spread over the snapshot) and their classes. */
  readonly sample: { readonly ids: Uint32Array; readonly classes: Uint32Array };
  /**
   * Whether the per-node arrays below are kept (`perNode`, the default): a comparison needs
   * them; leak detection needs only the counts and the sample.
   */
  readonly perNode: boolean;
  /** Per node: its class, an index into `classes` (empty without `perNode`). */
  readonly classOf: Uint32Array;
  readonly ids: Uint32Array;
  /** Shallow sizes as DevTools shows them (`shallowSizes`); 0 for nodes that do not count. */
  readonly shallow: Uint32Array | Float64Array;
  /** The node ordinals sorted by id. */
  readonly byId: Uint32Array;
  /** The dominator tree, when the census was taken with `{ retained: true }`. */
  readonly tree: DominatedTree | undefined;
}

export interface CensusOptions {
  /** Keep the dominator tree, for retained sizes per class (runs the analysis if not done yet). */
  retained?: boolean;
  /**
   * Copy the tree and sizes out of the graph's arrays (default), so that dropping the graph
   * frees them. `false` shares them: do not give the graph to another load (`reuse`) while the
   * census is in use.
   */
  copy?: boolean;
  /**
   * Keep each node's id, class and size (default true): `diffSnapshots` needs them; `findLeaks`
   * only the counts per class, so its earlier snapshots can go without (16 bytes a node less).
   */
  perNode?: boolean;
}

/**
 * Takes the census of a loaded snapshot (see `SnapshotCensus`); the graph can be dropped after.
 */
export function takeCensus(graph: HeapGraph, options: CensusOptions = {}): SnapshotCensus {
  if (!(graph instanceof HeapGraph)) throw new TypeError(`takeCensus: takes a loaded snapshot (parseSnapshot's graph), got ${String(graph)}`);
  const perNode = options.perNode ?? true;
  // Without per-node arrays the keys serve the counts below only: a work array, handed back after.
  const scratch = scratchArrays(graph);
  const work = perNode ? undefined : scratch.take(graph.nodeCount);
  // Kept keys of a big graph in shared memory of their own (not the graph's: it may go to the
  // next load), so that a worker can key the plain objects meanwhile (see buildClassKeys).
  const into = work ?? (inSharedMemory(graph) ? new Uint32Array(new SharedArrayBuffer(4 * graph.nodeCount)) : undefined);
  const keys = buildClassKeys(graph, { grouping: 'shape', plainObjects: 'set', ...(into ? { into } : {}) });
  const typeNamed = new Set<string>();
  graph.classes.byType.forEach((c) => c >= 0 && typeNamed.add(graph.classes.names[c]!));
  const classes: CensusClass[] = keys.names.map((name, k) => ({
    name,
    location: keys.locations[k],
    set: keys.sets?.[k],
    typeNamedObject: keys.durable[k]!.endsWith(' (object)') && typeNamed.has(name),
  }));
  const field = graph.layout.nodeFieldCount;
  const shallow = shallowSizes(graph);
  const classCounts = new Float64Array(classes.length);
  for (let n = 0; n < graph.nodeCount; n++) if (shallow[n]! > 0) classCounts[keys.keyOf[n]!]!++;
  const sampleIds: number[] = [];
  const sampleClasses: number[] = [];
  const step = Math.max(1, Math.floor(graph.nodeCount / 5000));
  for (let n = 0; n < graph.nodeCount; n += step) {
    const id = graph.nodes[n * field + graph.layout.nodeIdOffset]!;
    if ((id & 1) === 0) continue;
    sampleIds.push(id);
    sampleClasses.push(keys.keyOf[n]!);
  }
  if (work) scratch.give(work);
  const ids = new Uint32Array(perNode ? graph.nodeCount : 0);
  if (perNode) for (let n = 0, i = graph.layout.nodeIdOffset; n < graph.nodeCount; n++, i += field) ids[n] = graph.nodes[i]!;
  return {
    nodeCount: graph.nodeCount,
    maxJsNodeId: graph.maxJsNodeId,
    shapes: keys.shapes,
    classes,
    classCounts,
    sample: { ids: Uint32Array.from(sampleIds), classes: Uint32Array.from(sampleClasses) },
    perNode,
    classOf: perNode ? keys.keyOf : new Uint32Array(0),
    ids,
    shallow: !perNode ? new Uint32Array(0) : options.copy === false ? shallow : shallow.slice(),
    byId: perNode ? ordinalsById(ids) : new Uint32Array(0),
    tree: !options.retained ? undefined : options.copy === false ? treeOf(graph) : copyTree(treeOf(graph)),
  };
}

/** The tree's arrays may share buffers with the graph's working state: copy what is kept. */
function copyTree(tree: DominatedTree): DominatedTree {
  return {
    rootOrdinal: tree.rootOrdinal,
    firstDominated: tree.firstDominated.slice(),
    dominated: tree.dominated.slice(),
    retainedSizes: tree.retainedSizes.slice(),
  };
}

/** Node ordinals sorted by their ids: a least-significant-digit radix sort, 16 bits at a time. */
export function ordinalsById(ids: Uint32Array): Uint32Array {
  const n = ids.length;
  let order = new Uint32Array(n);
  let next = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const counts = new Uint32Array(1 << 16);
  for (const shift of [0, 16]) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(ids[i]! >>> shift) & 0xffff]!++;
    let sum = 0;
    for (let d = 0; d < counts.length; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const o = order[i]!;
      next[counts[(ids[o]! >>> shift) & 0xffff]!++] = o;
    }
    [order, next] = [next, order];
  }
  return order;
}

/**
 * Each census class's key across snapshots of one process (DevTools' text: `,name`, or
 * `script,line,column,name` for a located constructor), and its name, with plain objects
 * named by `shapes` (the newest snapshot's, as DevTools compares).
 */
export function censusClassKeys(census: SnapshotCensus, shapes: readonly ObjectShape[]): { keys: string[]; names: string[] } {
  const withSets: number[] = [];
  census.classes.forEach((c, k) => c.set !== undefined && withSets.push(k));
  const matched = matchObjectShapes(
    withSets.map((k) => census.classes[k]!.set!),
    shapes,
  );
  const shapeOf = new Map<number, number>(withSets.map((k, i) => [k, matched[i]!]));
  const keys: string[] = [];
  const names: string[] = [];
  census.classes.forEach((c, k) => {
    const shape = shapeOf.get(k) ?? -1;
    const name = shape >= 0 ? shapes[shape]!.name : c.name;
    names.push(name);
    keys.push(durableKey(name, c.location, c.typeNamedObject));
  });
  return { keys, names };
}
