import type { SnapshotLayout } from '../parser/snapshot-layout.js';
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

/** Every node's class, as an index into `names`. */
export interface ClassIndex {
  readonly classOf: Uint32Array;
  readonly names: readonly string[];
}

/** Computes the class of every node in one pass; each distinct name string is decoded once. */
export function buildClassIndex(
  nodes: Uint32Array,
  nodeCount: number,
  layout: SnapshotLayout,
  strings: StringTable,
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
  // Classes that depend on the type only, by type index; -1 for object/native (named by string).
  const byType = new Int32Array(layout.nodeTypes.length).fill(-1);
  layout.nodeTypes.forEach((type, index) => {
    if (index !== objectType && index !== nativeType) byType[index] = intern(classNameForType(type, () => ''));
  });
  const byString = new Int32Array(strings.count).fill(-1);
  const classOf = new Uint32Array(nodeCount);
  const fieldCount = layout.nodeFieldCount;
  const typeOffset = layout.nodeTypeOffset;
  const nameOffset = layout.nodeNameOffset;
  for (let ordinal = 0, base = 0; ordinal < nodeCount; ordinal++, base += fieldCount) {
    const fixed = byType[nodes[base + typeOffset]!]!;
    if (fixed >= 0) {
      classOf[ordinal] = fixed;
      continue;
    }
    const name = nodes[base + nameOffset]!;
    let id = byString[name]!;
    if (id < 0) {
      id = intern(normalizeElementName(strings.get(name)));
      byString[name] = id;
    }
    classOf[ordinal] = id;
  }
  return { classOf, names };
}
