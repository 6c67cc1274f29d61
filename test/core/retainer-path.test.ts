import { describe, expect, it } from 'vitest';
import { dominatedChildren, dominatorChain, formatRetainerPath, parseSnapshot, retainerPath, summarizeNode } from '@heapdiff/core';
import { readableClassName } from '../../packages/core/src/analysis/retainer-path.js';
import { fixturePath } from '../helpers/fixtures.js';
import { buildSnapshotText, type BuilderNode } from '../helpers/snapshot-builder.js';

async function graphOf(nodes: BuilderNode[]) {
  return parseSnapshot((async function* () {
    yield Buffer.from(buildSnapshotText(nodes));
  })());
}

describe('retainer paths', () => {
  it('prefer a property over an internal link when both are as short', async () => {
    // global → holder (property) → target, and global → H (hidden) → target (internal).
    const graph = await graphOf([
      { type: 'synthetic', name: '', id: 1, selfSize: 0, edges: [{ type: 'shortcut', name: 'global', to: 1 }] },
      { type: 'object', name: 'global', id: 3, selfSize: 10, edges: [{ type: 'internal', name: 'h', to: 2 }, { type: 'property', name: 'holder', to: 3 }] },
      { type: 'hidden', name: 'system / H', id: 5, selfSize: 8, edges: [{ type: 'internal', name: 'slot', to: 4 }] },
      { type: 'object', name: 'Holder', id: 7, selfSize: 8, edges: [{ type: 'property', name: 'session', to: 4 }] },
      { type: 'object', name: 'Session', id: 9, selfSize: 8 },
    ]);
    expect(formatRetainerPath(graph, retainerPath(graph, 4))).toBe('global → holder (Holder) → session → Session @9');
  });

  it('never use weak edges, and stay empty for what nothing reaches', async () => {
    const graph = await graphOf([
      { type: 'synthetic', name: '', id: 1, selfSize: 0, edges: [{ type: 'shortcut', name: 'global', to: 1 }] },
      { type: 'object', name: 'global', id: 3, selfSize: 10, edges: [{ type: 'weak', name: 'cache', to: 2 }] },
      { type: 'object', name: 'Entry', id: 5, selfSize: 8 },
    ]);
    expect(retainerPath(graph, 2)).toEqual([]);
    expect(formatRetainerPath(graph, retainerPath(graph, 2))).toBe('');
  });

  it('read naturally on a real snapshot, with dominator chain and dominated children', async () => {
    const graph = await parseSnapshot(fixturePath(22));
    let foo = -1;
    for (let n = 0; n < graph.nodeCount && foo < 0; n++) if (graph.className(n) === 'Foo') foo = n;
    expect(formatRetainerPath(graph, retainerPath(graph, foo))).toBe(`global → fixtureFoos (Array) → [0] → Foo @${graph.nodeId(foo)}`);
    const chain = dominatorChain(graph, foo).map((n) => graph.className(n));
    expect(chain).toEqual(['Array', 'global', '(synthetic)']);
    const array = dominatorChain(graph, foo)[0]!;
    expect(dominatedChildren(graph, array).length).toBe(1002);
    expect(summarizeNode(graph, array).label).toBe(`Array @${graph.nodeId(array)}`);
  });

  it("a global object named 'global / ' (as Node 20 names it when the inspector is in use) reads 'global' in paths and labels", async () => {
    const graph = await graphOf([
      { type: 'synthetic', name: '', id: 1, selfSize: 0, edges: [{ type: 'shortcut', name: 'global', to: 1 }] },
      { type: 'object', name: 'global / ', id: 3, selfSize: 10, edges: [{ type: 'property', name: 'holder', to: 2 }] },
      { type: 'object', name: 'Holder', id: 5, selfSize: 10, edges: [{ type: 'property', name: 'session', to: 3 }] },
      { type: 'object', name: 'Session', id: 9, selfSize: 10 },
    ]);
    expect(graph.className(1)).toBe('global / ');
    expect(readableClassName(graph, 1)).toBe('global');
    expect(summarizeNode(graph, 1).label).toBe('global @3');
    expect(formatRetainerPath(graph, retainerPath(graph, 3))).toBe('global → holder (Holder) → session → Session @9');
  });
});
