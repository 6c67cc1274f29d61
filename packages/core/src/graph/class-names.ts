import type { GraphLayout } from './heap-graph.js';
import type { StringTable } from '../parser/string-table.js';

/**
 * How a node's type maps to the class it is grouped under, as DevTools' Summary view does it:
 *
 * | node type            | class name                                        |
 * | -------------------- | ------------------------------------------------- |
 * | `hidden`             | `(system)`                                        |
 * | `object`, `native`   | the node's name (`<div id="a">` becomes `<div>`)   |
 * | `code`               | `(compiled code)`                                 |
 * | `closure`            | `Function`                                        |
 * | `regexp`             | `RegExp`                                          |
 * | any other type `t`   | `(t)`: `(string)`, `(array)`, `(number)`, …       |
 */
export function classNameForType(type: string, name: () => string): string {
  switch (type) {
    case 'hidden':
      return '(system)';
    case 'object':
    case 'native':
      return normalizeElementName(name());
    case 'code':
      return '(compiled code)';
    case 'closure':
      return 'Function';
    case 'regexp':
      return 'RegExp';
    default:
      return `(${type})`;
  }
}

/** DOM element names carry their attributes; DevTools groups them by tag only. */
function normalizeElementName(name: string): string {
  if (name.startsWith('<')) {
    const space = name.indexOf(' ');
    return space === -1 ? name : `${name.slice(0, space)}>`;
  }
  if (name.startsWith('Detached <')) {
    const space = name.indexOf(' ', 10);
    return space === -1 ? name : `${name.slice(0, space)}>`;
  }
  return name;
}

/**
 * Every node's class, as an index into `names`, without an array per node: a node's class is
 * `byType[type]` when its type alone decides it, else `byString[name]` (objects and natives).
 */
export interface ClassIndex {
  readonly names: readonly string[];
  /** Class per node type index, or -1 for the types named by their node name. */
  readonly byType: Int32Array;
  /** Class per string index, for the names of object and native nodes. */
  readonly byString: Int32Array;
  /** Detached native nodes (see `propagateDomState`): their class per string index. */
  readonly detached: { readonly states: Uint8Array; readonly byString: ReadonlyMap<number, number> } | undefined;
}

/** The class index of node ordinal `node`. */
export function classOf(classes: ClassIndex, nodes: Uint32Array, node: number, layout: GraphLayout): number {
  const base = node * layout.nodeFieldCount;
  const fixed = classes.byType[nodes[base + layout.nodeTypeOffset]!]!;
  if (fixed >= 0) return fixed;
  const name = nodes[base + layout.nodeNameOffset]!;
  if (classes.detached?.states[node] === 2) {
    const detachedClass = classes.detached.byString.get(name);
    if (detachedClass !== undefined) return detachedClass;
  }
  return classes.byString[name]!;
}

/** Computes the classes in one pass over the nodes; each distinct name string is decoded once. */
export function buildClassIndex(
  nodes: Uint32Array,
  nodeCount: number,
  layout: GraphLayout,
  strings: StringTable,
  domStates: Uint8Array | undefined,
): ClassIndex {
  const names: string[] = [];
  const byName = new Map<string, number>();
  const intern = (name: string): number => {
    let id = byName.get(name);
    if (id === undefined) {
      id = names.length;
      names.push(name);
      byName.set(name, id);
    }
    return id;
  };
  const objectType = layout.nodeTypes.indexOf('object');
  const nativeType = layout.nodeTypes.indexOf('native');
  const byType = new Int32Array(layout.nodeTypes.length).fill(-1);
  layout.nodeTypes.forEach((type, index) => {
    if (index !== objectType && index !== nativeType) byType[index] = intern(classNameForType(type, () => ''));
  });
  const byString = new Int32Array(strings.count).fill(-1);
  const fieldCount = layout.nodeFieldCount;
  const typeOffset = layout.nodeTypeOffset;
  const nameOffset = layout.nodeNameOffset;
  for (let base = 0; base < nodeCount * fieldCount; base += fieldCount) {
    if (byType[nodes[base + typeOffset]!]! >= 0) continue;
    const name = nodes[base + nameOffset]!;
    if (byString[name]! < 0) byString[name] = intern(normalizeElementName(strings.get(name)));
  }
  // DevTools renames detached native nodes "Detached <name>", which puts them in classes of their own.
  let detached: ClassIndex['detached'];
  if (domStates) {
    const detachedByString = new Map<number, number>();
    for (let n = 0, base = 0; n < nodeCount; n++, base += fieldCount) {
      if (domStates[n] !== 2 || nodes[base + typeOffset] !== nativeType) continue;
      const name = nodes[base + nameOffset]!;
      if (detachedByString.has(name)) continue;
      const text = strings.get(name);
      detachedByString.set(name, intern(normalizeElementName(text.startsWith('Detached ') ? text : `Detached ${text}`)));
    }
    detached = { states: domStates, byString: detachedByString };
  }
  return { names, byType, byString, detached };
}
