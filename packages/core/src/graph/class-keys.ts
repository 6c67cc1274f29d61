import { AnalysisKey } from './analysis-cache.js';
import { classOf } from './class-names.js';
import { inSharedMemory, type HeapGraph } from './heap-graph.js';
import { sharedUint32Array } from '../parser/spare-memory.js';
import { scriptFileName, scriptUrlOf } from './function-script.js';
import { forEachLocation } from './locations.js';
import { scratchArrays } from './scratch-arrays.js';
import { matchObjectShapes, readPlainObjects, scanPlainObjects, type ObjectShape } from './object-shapes.js';

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
  // (In shared memory for a big graph: a worker writes the plain objects' entries into it.)
  const keyOf = options.into ?? (inSharedMemory(graph) ? sharedUint32Array(graph.nodeCount) : new Uint32Array(graph.nodeCount));
  const scratch = scratchArrays(graph);
  // Plain objects are keyed by their properties, read meanwhile (on a worker, when one is idle)
  // into a work array and, for each one's entry, into `keyOf`: the pass below leaves them alone.
  const scanning = grouping !== 'name';
  const work = scanning ? scratch.take(graph.nodeCount) : undefined;
  const reading = work && readPlainObjects(graph, work, keyOf);
  const objectType = layout.nodeTypes.indexOf('object');
  const objectName = scanning ? graph.strings.indexOf('Object') : -1;
  // Keys by class index, apart for nodes whose type names them (closures: `Function`) and
  // objects that happen to share that name (a user object named `Function`), which DevTools
  // lumps together.
  const byTypeClass = new Int32Array(classes.names.length).fill(-1);
  const byNameClass = new Int32Array(classes.names.length).fill(-1);
  const typeNamed = new Set<number>();
  classes.byType.forEach((c) => c >= 0 && typeNamed.add(c));
  const typeOffset = layout.nodeTypeOffset;
  // Per node type (or per name string, for objects and natives) the key, made on first use.
  const keyOfType = new Int32Array(classes.byType.length).fill(-1);
  // One slot per string: on big graphs a free work array's memory, not fresh pages (the first
  // touch of a page costs more than this whole pass's use of it).
  const stringSlots = scratch.takeFree(classes.byString.length);
  const keyOfString = (stringSlots ? new Int32Array(stringSlots.buffer, stringSlots.byteOffset, stringSlots.length) : new Int32Array(classes.byString.length)).fill(-1);
  const fields = layout.nodeFieldCount;
  const nameOffset = layout.nodeNameOffset;
  const detachedStates = classes.detached?.states;
  for (let n = 0, base = 0; n < graph.nodeCount; n++, base += fields) {
    const type = nodes[base + typeOffset]!;
    const fixed = classes.byType[type]!;
    if (fixed >= 0) {
      let key = keyOfType[type]!;
      if (key < 0) key = keyOfType[type] = byTypeClass[fixed]! >= 0 ? byTypeClass[fixed]! : (byTypeClass[fixed] = add(classes.names[fixed]!, undefined));
      keyOf[n] = key;
      continue;
    }
    const name = nodes[base + nameOffset]!;
    let key: number;
    // Detached DOM nodes take a class of their own (rare: looked up one by one).
    if (detachedStates !== undefined && detachedStates[n] === 2) {
      const c = classOf(classes, nodes, n, layout);
      key = byNameClass[c]! >= 0 ? byNameClass[c]! : (byNameClass[c] = add(classes.names[c]!, undefined, typeNamed.has(c)));
    } else {
      key = keyOfString[name]!;
      if (key < 0) {
        const c = classes.byString[name]!;
        key = keyOfString[name] = byNameClass[c]! >= 0 ? byNameClass[c]! : (byNameClass[c] = add(classes.names[c]!, undefined, typeNamed.has(c)));
      }
    }
    // (A plain object's key is made all the same: the keys are numbered in the order of first use.)
    if (name === objectName && type === objectType) continue;
    keyOf[n] = key;
  }
  if (stringSlots) scratch.give(stringSlots);
  if (!reading) return { keyOf, names, locations, durable, shapes: [] };

  const scan = scanPlainObjects(graph, reading.settle());
  const { objects, entryOf, entrySet, sets: objectSets } = scan;
  const shapes = givenShapes ?? scan.shapes;
  // Each entry's key, then each object's from its entry (in `keyOf` until now): one pass.
  const keyOfEntry = new Int32Array(entrySet.length);
  if (options.plainObjects === 'set') {
    const bySet = new Int32Array(objectSets.length).fill(-1);
    entrySet.forEach((set, e) => (keyOfEntry[e] = bySet[set]! >= 0 ? bySet[set]! : (bySet[set] = add('Object', undefined, false, objectSets[set]!))));
  } else {
    // Objects whose set takes no shape keep the key of their name (`Object`): -1 here.
    const shapeOfSet = matchObjectShapes(objectSets, shapes);
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

  // Objects whose constructor has a location: one key per (class name, script, line, column).
  // Keyed by numbers, not text, for speed: (line, script) then (column, class key).
  const located = new Map<number, Map<number, number>>();
  const unusual = new Map<string, number>();
  const files = scriptFiles(graph);
  let lastScript = -1;
  let lastLine = 0;
  let lastColumn = 0;
  let lastBase = -1;
  let lastKey = -1;
  forEachLocation(graph, (n, scriptId, line, column) => {
    if (graph.nodeTypeIndex(n) !== objectType) return;
    const base = keyOf[n]!;
    // Instances of one class often come one after another.
    if (base === lastBase && scriptId === lastScript && line === lastLine && column === lastColumn) {
      keyOf[n] = lastKey;
      return;
    }
    const small = scriptId < 2 ** 22 && base < 2 ** 21 && line < 2 ** 30 && column < 2 ** 31;
    const outer = small ? (line + 1) * 2 ** 22 + scriptId : -1;
    const inner = small ? (column + 1) * 2 ** 21 + base : -1;
    let byPlace = located.get(outer);
    if (!byPlace) located.set(outer, (byPlace = new Map()));
    const text = small ? '' : `${scriptId},${line},${column},${base}`;
    let key = small ? byPlace.get(inner) : unusual.get(text);
    if (key === undefined) {
      key = add(names[base]!, { scriptId, line, column, ...(files.get(scriptId) ?? { file: '', url: '' }) }, false, sets[base]);
      if (small) byPlace.set(inner, key);
      else unusual.set(text, key);
    }
    keyOf[n] = key;
    lastScript = scriptId;
    lastLine = line;
    lastColumn = column;
    lastBase = base;
    lastKey = key;
  });
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
