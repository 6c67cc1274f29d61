import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '@heapdiff/core';
import { buildClassKeys, classKeys } from '../../packages/core/src/graph/class-keys.js';
import { matchObjectShapes, matchShapesOfSets, scanPlainObjects, setNamesOf } from '../../packages/core/src/graph/object-shapes.js';
import { tempDir } from '../helpers/fixtures.js';
import { buildSnapshotText, type BuilderNode } from '../helpers/snapshot-builder.js';

/**
 * Plain objects whose property names are the same text at different string indexes, as a
 * snapshot not written by V8 may have them: an escaped `\u0069d` beside `id`, a second `name`,
 * `café` as raw UTF-8 and as `caf\u00e9`. Shapes are matched on string indexes without decoding
 * plain names (`matchShapesOfSets`): the keys must be those of matching the decoded names.
 */
function oddStringsSnapshot(): string {
  const nodes: BuilderNode[] = [
    { type: 'synthetic', name: '', id: 1, selfSize: 0, edges: [] },
    { type: 'string', name: 'v', id: 3, selfSize: 16 },
  ];
  const plain = (properties: string[]): void => {
    nodes[0]!.edges!.push({ type: 'element', name: nodes.length, to: nodes.length });
    nodes.push({ type: 'object', name: 'Object', id: 5 + 2 * nodes.length, selfSize: 24, edges: properties.map((name) => ({ type: 'property', name, to: 1 })) });
  };
  for (let i = 0; i < 10; i++) plain(['id', 'name']);
  for (let i = 0; i < 10; i++) plain(['ID2', 'NAME2']);
  for (let i = 0; i < 3; i++) plain(['ID2', 'name', 'extra']);
  for (let i = 0; i < 6; i++) plain(['café', 'a,b']);
  for (let i = 0; i < 6; i++) plain(['CAFE2', 'a,b', '__proto__']);
  for (let i = 0; i < 2; i++) plain(['tab\there', 'a\\b']);
  plain(['id']);
  plain(['CAFE2']);
  plain([]);
  const text = buildSnapshotText(nodes);
  // The same texts again, at indexes of their own, written otherwise (or alike).
  return text.replace('"ID2"', '"\\u0069d"').replace('"NAME2"', '"name"').replace('"CAFE2"', '"caf\\u00e9"');
}

describe('plain objects named by shape, on string indexes', () => {
  it('gives the keys that matching the decoded names gives, whatever indexes hold the texts', async () => {
    const file = join(tempDir('object-shapes-'), 'odd.heapsnapshot');
    writeFileSync(file, oddStringsSnapshot());
    const graph = await parseSnapshot(file, { workers: 0 });
    // The second `id` and `name` are indexes of their own.
    expect(graph.strings.indexOf('name')).not.toBe(-1);
    const scan = scanPlainObjects(graph);
    const decoded = Array.from({ length: scan.setCount }, (_, s) => setNamesOf(graph, scan, s));
    expect(decoded).toContainEqual(['id', 'name']);
    expect(scan.shapes.map((s) => s.name)).toEqual(['{id, name}', '{café, "a,b"}', '{id, name, extra}', '{tab\there, a\\b}']);
    expect([...matchShapesOfSets(graph, scan, scan.shapes)]).toEqual([...matchObjectShapes(decoded, scan.shapes)]);
    // Another snapshot's shapes, some of whose names this one lacks.
    const other = [{ name: '{name}', properties: ['name'] }, { name: '{zzz}', properties: ['zzz'] }, { name: '{}', properties: [] }, { name: '{café}', properties: ['café'] }];
    expect([...matchShapesOfSets(graph, scan, other)]).toEqual([...matchObjectShapes(decoded, other)]);

    const keys = classKeys(graph);
    const named = (name: string): number => [...keys.keyOf].filter((k) => keys.names[k] === name).length;
    expect(named('{id, name}')).toBe(20);
    expect(named('{id, name, extra}')).toBe(3);
    expect(named('{café, "a,b"}')).toBe(12);
    expect(named('{tab\there, a\\b}')).toBe(2);
    // `{id}`, `{café}` alone and `{}` take no shape.
    expect(named('Object')).toBe(3);
    // Keyed by set: the decoded names, each once, sorted.
    const bySet = buildClassKeys(graph, { grouping: 'shape', plainObjects: 'set' });
    expect(bySet.sets?.filter((s) => s !== undefined)).toEqual(expect.arrayContaining([['id', 'name'], ['extra', 'id', 'name'], ['__proto__', 'a,b', 'café'], ['café']]));
  });
});
