import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSnapshot, type HeapGraph } from '@heapdiff/core';
import { leakRoots, type NodeKinds } from '../../packages/core/src/leaks/leak-roots.js';
import { buildSnapshotText, type BuilderNode } from '../helpers/snapshot-builder.js';
import { tempDir } from '../helpers/fixtures.js';

/** Node kinds for graphs of plain objects: no holders, no library; strings and numbers are primitives. */
function plainKinds(graph: HeapGraph): NodeKinds {
  const primitive = new Set(['string', 'concatenated string', 'sliced string', 'number']);
  return { isHolder: () => false, isPrimitive: (n) => primitive.has(graph.nodeType(n)), isInternal: () => false, isLibrary: () => false, isProgramClass: () => false };
}

describe('leak roots', () => {
  it('what only the running frame holds is not kept, however deep: a file name built for the snapshot (a concatenated string and its parts)', async () => {
    // root → (GC roots) → (Stack roots) → "dir/" + "s1.heapsnapshot" (new) → its first part (new);
    // and global → Session (new): the one real leak root.
    const nodes: BuilderNode[] = [
      { type: 'synthetic', name: '', id: 1, selfSize: 0, edges: [{ type: 'element', name: 1, to: 1 }, { type: 'shortcut', name: 2, to: 3 }] },
      { type: 'synthetic', name: '(GC roots)', id: 3, selfSize: 0, edges: [{ type: 'element', name: 1, to: 2 }] },
      { type: 'synthetic', name: '(Stack roots)', id: 5, selfSize: 0, edges: [{ type: 'element', name: 29, to: 4 }] },
      { type: 'object', name: 'global', id: 7, selfSize: 40, edges: [{ type: 'property', name: 'session', to: 6 }] },
      { type: 'concatenated string', name: 'dir/s1.heapsnapshot', id: 101, selfSize: 32, edges: [{ type: 'internal', name: 'first', to: 5 }] },
      { type: 'string', name: 'dir/', id: 103, selfSize: 24 },
      { type: 'object', name: 'Session', id: 105, selfSize: 48 },
    ];
    const file = join(tempDir(), 'stack.heapsnapshot');
    writeFileSync(file, buildSnapshotText(nodes));
    const graph = await parseSnapshot(file);
    const { leaked, roots } = leakRoots(graph, 50, plainKinds(graph));
    expect([...roots].map((n) => graph.nodeName(n))).toEqual(['Session']);
    expect(leaked[graph.ordinalOfId(101)]).toBe(0);
    expect(leaked[graph.ordinalOfId(103)]).toBe(0);
  });

  it('a string only compiled code and the engine\'s roots hold (a name V8 put in a function\'s scope info when it compiled it lazily) is no leak root; one in an array of the program\'s is', async () => {
    // root → (GC roots) → (Internalized strings) → "isCleanupPending" (new) ← (compiled code) (old);
    // root → global → log (Array) → "request 7" (new): a log that grows.
    const nodes: BuilderNode[] = [
      { type: 'synthetic', name: '', id: 1, selfSize: 0, edges: [{ type: 'element', name: 1, to: 1 }, { type: 'shortcut', name: 2, to: 3 }] },
      { type: 'synthetic', name: '(GC roots)', id: 3, selfSize: 0, edges: [{ type: 'element', name: 1, to: 2 }, { type: 'element', name: 2, to: 5 }] },
      { type: 'synthetic', name: '(Internalized strings)', id: 5, selfSize: 0, edges: [{ type: 'internal', name: '4670', to: 6 }] },
      { type: 'object', name: 'global', id: 7, selfSize: 40, edges: [{ type: 'property', name: 'log', to: 4 }] },
      { type: 'object', name: 'Array', id: 9, selfSize: 32, edges: [{ type: 'element', name: 0, to: 7 }] },
      { type: 'code', name: '(compiled code)', id: 11, selfSize: 64, edges: [{ type: 'hidden', name: 2, to: 6 }] },
      { type: 'string', name: 'isCleanupPending', id: 101, selfSize: 32 },
      { type: 'string', name: 'request 7', id: 103, selfSize: 24 },
    ];
    const file = join(tempDir(), 'engine-strings.heapsnapshot');
    writeFileSync(file, buildSnapshotText(nodes));
    const graph = await parseSnapshot(file);
    const { roots } = leakRoots(graph, 50, plainKinds(graph));
    expect([...roots].map((n) => graph.nodeName(n))).toEqual(['request 7']);
  });

  it("an object only compiled code holds (an allocation site's boilerplate array, made when a function first ran mid-series) is no leak root", async () => {
    // root → (GC roots) → global → nextTick (closure, old) → (feedback vector) → (allocation site) → Array (new);
    // and global → orders (Array, old) → Order (new): the leak.
    const nodes: BuilderNode[] = [
      { type: 'synthetic', name: '', id: 1, selfSize: 0, edges: [{ type: 'element', name: 1, to: 1 }, { type: 'shortcut', name: 2, to: 2 }] },
      { type: 'synthetic', name: '(GC roots)', id: 3, selfSize: 0, edges: [] },
      { type: 'object', name: 'global', id: 7, selfSize: 40, edges: [{ type: 'property', name: 'nextTick', to: 3 }, { type: 'property', name: 'orders', to: 6 }] },
      { type: 'closure', name: 'nextTick', id: 9, selfSize: 32, edges: [{ type: 'internal', name: 'feedback_cell', to: 4 }] },
      { type: 'code', name: 'system / FeedbackVector', id: 11, selfSize: 64, edges: [{ type: 'internal', name: '15', to: 5 }] },
      { type: 'code', name: 'system / AllocationSite', id: 13, selfSize: 48, edges: [{ type: 'internal', name: 'transition_info', to: 7 }] },
      { type: 'object', name: 'Array', id: 15, selfSize: 32, edges: [{ type: 'element', name: 0, to: 8 }] },
      { type: 'object', name: 'Array', id: 101, selfSize: 32 },
      { type: 'object', name: 'Order', id: 103, selfSize: 24 },
    ];
    const file = join(tempDir(), 'boilerplate.heapsnapshot');
    writeFileSync(file, buildSnapshotText(nodes));
    const graph = await parseSnapshot(file);
    const { roots } = leakRoots(graph, 50, plainKinds(graph));
    expect([...roots].map((n) => graph.nodeName(n))).toEqual(['Order']);
  });
});
