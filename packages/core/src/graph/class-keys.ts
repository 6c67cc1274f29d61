import { AnalysisKey } from './analysis-cache.js';
import { classOf } from './class-names.js';
import type { HeapGraph } from './heap-graph.js';
import { scriptFileName, scriptUrlOf } from './function-script.js';
import { forEachLocation } from './locations.js';
import { locatedKeysKernel, nameKeysKernel } from '../kernels/class-keys-kernel.js';
import { scratchArrays } from './scratch-arrays.js';
import { matchShapesOfSets, readPlainObjects, scanPlainObjects, setNamesOf, type ObjectShape } from './object-shapes.js';

/** Where a class's constructor is defined: V8's script id and zero-based position, with the file. */
export interface SourceLocation {
  readonly scriptId: number;
  /** Zero-based; -1 when V8 does not know it. */
  readonly line: number;
  readonly column: number;
  /** The script's file name (its last path segment), or '' when the snapshot does not say. */
  readonly file: string;
  /** The script's URL as V8 has it (`file:///app/server.js`, `node:internal/timers`), or ''. */
  readonly url: string;
}

/**
 * The classes objects are grouped under, as DevTools' Summary and Comparison views group them:
 * by class name, plain objects by their shape (`{id, headers, body}`, see object-shapes.ts), and
 * objects of same-named constructors from different places apart (by the constructor's location).
 */
export interface ClassKeys {
  /** Per node: its class key, an index into `names`. */
  readonly keyOf: Uint32Array;
  /** Each key's class name (two keys share a name when their constructors differ). */
  readonly names: readonly string[];
  /** Each key's constructor location, or undefined when it has none (or grouping is by name). */
  readonly locations: readonly (SourceLocation | undefined)[];
  /**
   * Each key as text that is the same for the same class in another snapshot of the same
   * process: `,Session`, or `7,12,2,Session` with the constructor's script id, line and column.
   */
  readonly durable: readonly string[];
  /** The shapes plain objects were named by (none when grouping by name). */
  readonly shapes: readonly ObjectShape[];
  /**
   * With `plainObjects: 'set'`: per key, the sorted property names of the plain objects it
   * holds (named later by a snapshot's shapes, see `matchObjectShapes`); undefined otherwise.
   */
  readonly sets?: readonly (readonly string[] | undefined)[];
}

/** How `buildClassKeys` keys plain objects: by the shapes (named now), or by their property sets (named later). */
export interface ClassKeyOptions {
  readonly grouping: ClassGrouping;
  /** Shapes to name plain objects by, instead of this snapshot's own. */
  readonly shapes?: readonly ObjectShape[];
  /** `set`: one key per distinct property set, to be named by another snapshot's shapes. */
  readonly plainObjects?: 'shape' | 'set';
  /** Where to put `keyOf` (one value per node): a work array of the caller's, for keys used once. */
  readonly into?: Uint32Array;
}

/** How to group: `shape` (default) as DevTools does; `name` by class name only (shapes folded into `Object`). */
export type ClassGrouping = 'shape' | 'name';

const SHAPE_KEYS = new AnalysisKey<ClassKeys>('class keys by shape');
const NAME_KEYS = new AnalysisKey<ClassKeys>('class keys by name');

/**
 * The class key of every node (built once per graph and grouping, then kept).
 * `shapes` names plain objects by another snapshot's shapes (a comparison uses the newer
 * snapshot's for both); such keys are not kept.
 *
 * @example
 * const keys = classKeys(graph)
 * keys.names[keys.keyOf[node]!] // '{id, headers, body}', 'Session', '(string)', …
 */
export function classKeys(graph: HeapGraph, grouping: ClassGrouping = 'shape', shapes?: readonly ObjectShape[]): ClassKeys {
  if (shapes) return buildClassKeys(graph, { grouping, shapes });
  return graph.analyses.get(grouping === 'name' ? NAME_KEYS : SHAPE_KEYS, () => buildClassKeys(graph, { grouping }));
}

/** Builds the class keys (not kept: see `classKeys` for the kept ones). */
export function buildClassKeys(graph: HeapGraph, options: ClassKeyOptions): ClassKeys {
  const { grouping, shapes: givenShapes } = options;
  const classes = graph.classes;
  const { nodes, layout } = graph;
  const names: string[] = [];
  const locations: (SourceLocation | undefined)[] = [];
  const durable: string[] = [];
  const sets: (readonly string[] | undefined)[] = [];
  const add = (name: string, location: SourceLocation | undefined, object = false, set?: readonly string[]): number => {
    names.push(name);
    sets.push(set);
    locations.push(location);
    durable.push(durableKey(name, location, object));
    return names.length - 1;
  };
  // (Not shared memory unless given: kept keys must outlive a load that reuses the graph's. A
  // worker writes the plain objects' entries only into shared memory: else this thread does.)
  const keyOf = options.into ?? new Uint32Array(graph.nodeCount);
  const scratch = scratchArrays(graph);
  // Plain objects are keyed by their properties, read meanwhile (on a worker, when one is idle)
  // into a work array and, for each one's entry, into `keyOf`: the pass below leaves them alone.
  const scanning = grouping !== 'name';
  const work = scanning ? scratch.take(graph.nodeCount) : undefined;
  const reading = work && readPlainObjects(graph, work, keyOf);
  const objectType = layout.nodeTypes.indexOf('object');
  const objectName = scanning ? graph.strings.indexOf('Object') : -1;
  // Keys by class, apart for nodes whose type names them (closures: `Function`) and objects
  // that happen to share that name (a user object named `Function`), which DevTools lumps
  // together: numbered in the order of first use (see `nameKeysKernel`).
  const typeNamed = new Set<number>();
  classes.byType.forEach((c) => c >= 0 && typeNamed.add(c));
  const detachedStates = classes.detached?.states;
  // Per string, a detached class: only for a snapshot that has some (most Node snapshots carry
  // detachedness, all 0: an array over every string would be filled for nothing).
  const detachedClasses = classes.detached?.byString;
  const detachedByString = new Int32Array(detachedClasses?.size ? classes.byString.length : 0).fill(-1);
  detachedClasses?.forEach((c, name) => (detachedByString[name] = c));
  const keyOfCode = new Int32Array(2 * classes.names.length).fill(-1);
  const codeOfKey = new Int32Array(2 * classes.names.length);
  const params = {
    nodeCount: graph.nodeCount,
    nodeFieldCount: layout.nodeFieldCount,
    typeOffset: layout.nodeTypeOffset,
    nameOffset: layout.nodeNameOffset,
    skipType: objectType,
    skipName: objectName,
  };
  const keyCount = nameKeysKernel(nodes, params, classes.byType, classes.byString, detachedByString.length > 0 ? detachedStates! : new Uint8Array(0), detachedByString, keyOfCode, codeOfKey, keyOf);
  /** Per class, its key by name (-1 for none): `Object`, a detached class. */
  const byNameClass = new Int32Array(classes.names.length).fill(-1);
  for (let k = 0; k < keyCount; k++) {
    const c = codeOfKey[k]! >>> 1;
    const byType = (codeOfKey[k]! & 1) === 1;
    add(classes.names[c]!, undefined, !byType && typeNamed.has(c));
    if (!byType) byNameClass[c] = k;
  }
  if (!reading) return { keyOf, names, locations, durable, shapes: [] };

  const scan = scanPlainObjects(graph, reading.settle());
  const { objects, entryOf, entrySet } = scan;
  const shapes = givenShapes ?? scan.shapes;
  // Each entry's key, then each object's from its entry (in `keyOf` until now): one pass.
  const keyOfEntry = new Int32Array(entrySet.length);
  if (options.plainObjects === 'set') {
    const bySet = new Int32Array(scan.setCount).fill(-1);
    entrySet.forEach((set, e) => (keyOfEntry[e] = bySet[set]! >= 0 ? bySet[set]! : (bySet[set] = add('Object', undefined, false, setNamesOf(graph, scan, set)))));
  } else {
    // Objects whose set takes no shape keep the key of their name (`Object`): -1 here.
    const shapeOfSet = matchShapesOfSets(graph, scan, shapes);
    const byShape = new Int32Array(shapes.length).fill(-1);
    entrySet.forEach((set, e) => {
      const shape = shapeOfSet[set]!;
      keyOfEntry[e] = shape < 0 ? -1 : byShape[shape]! >= 0 ? byShape[shape]! : (byShape[shape] = add(shapes[shape]!.name, undefined));
    });
  }
  const objectKey = objectName >= 0 ? byNameClass[classes.byString[objectName]!]! : -1;
  for (let i = 0; i < objects.length; i++) {
    const n = objects[i]!;
    const key = keyOfEntry[entryOf[n]!]!;
    if (key >= 0) keyOf[n] = key;
    // (A detached one, in a browser's snapshot: the key of its detached class.)
    else keyOf[n] = detachedStates !== undefined && detachedStates[n] === 2 ? byNameClass[classOf(classes, nodes, n, layout)]! : objectKey;
  }
  scratch.give(work);

  // Objects whose constructor has a location: one key per (class key, script, line, column).
  const fields = layout.locationFields;
  const [objectAt, scriptAt, lineAt, columnAt] = ['object_index', 'script_id', 'line', 'column'].map((f) => fields.indexOf(f)) as [number, number, number, number];
  if (fields.length > 0 && objectAt >= 0 && scriptAt >= 0 && lineAt >= 0 && columnAt >= 0) {
    const places = locatedKeysKernel(
      graph.locations,
      {
        stride: fields.length,
        objectAt,
        scriptAt,
        lineAt,
        columnAt,
        // (`object_index` is a node index of the file's layout.)
        fileNodeFields: graph.header.layout.nodeFieldCount,
        nodeFieldCount: layout.nodeFieldCount,
        typeOffset: layout.nodeTypeOffset,
        objectType,
        firstKey: names.length,
      },
      nodes,
      keyOf,
    );
    const files = places.length > 0 ? scriptFiles(graph) : new Map<number, { file: string; url: string }>();
    for (let at = 0; at < places.length; at += 4) {
      const [base, scriptId, line, column] = [places[at]!, places[at + 1]!, places[at + 2]!, places[at + 3]!];
      add(names[base]!, { scriptId, line, column, ...(files.get(scriptId) ?? { file: '', url: '' }) }, false, sets[base]);
    }
  }
  return { keyOf, names, locations, durable, shapes, ...(options.plainObjects === 'set' ? { sets } : {}) };
}

const MAX_URL_MISSES = 16;

/**
 * Script id → file name and URL, from the functions with a location (see `scriptUrlOf`).
 */
function scriptFiles(graph: HeapGraph): Map<number, { file: string; url: string }> {
  const files = new Map<number, { file: string; url: string }>();
  // Closures asked per script that gave no URL. Most such scripts have none (eval'd code), but
  // before V8 12 a function's link can go to its debug info instead: a few more are asked.
  const misses = new Map<number, number>();
  const closureType = graph.layout.nodeTypes.indexOf('closure');
  forEachLocation(graph, (n, scriptId) => {
    if (files.has(scriptId) || graph.nodeTypeIndex(n) !== closureType) return;
    const missed = misses.get(scriptId) ?? 0;
    if (missed >= MAX_URL_MISSES) return;
    const url = scriptUrlOf(graph, n);
    if (url) files.set(scriptId, { file: scriptFileName(url), url: url.slice(0, 2000) });
    else misses.set(scriptId, missed + 1);
  });
  return files;
}

/**
 * DevTools' key of a class across snapshots of one process: `,name`, or `script,line,column,name`
 * for a located constructor; `,name (object)` for a user object named like a class of node
 * types (`Function`), which DevTools lumps in with it.
 */
export function durableKey(name: string, at: Omit<SourceLocation, 'file' | 'url'> | undefined, typeNamedObject = false): string {
  return at ? `${at.scriptId},${at.line},${at.column},${name}` : typeNamedObject ? `,${name} (object)` : `,${name}`;
}
