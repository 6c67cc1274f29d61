import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dominatorTree, nodeDistances, parseSnapshot } from '@heapdiff/core';
import { loadWithDevTools } from '../helpers/devtools/load-with-devtools.js';
import { tempDir } from '../helpers/fixtures.js';
import { buildSnapshotText, type BuilderNode } from '../helpers/snapshot-builder.js';

const dir = tempDir();
let counter = 0;

/** A random heap: a root with a global and "(GC roots)", objects, and random edges of all kinds. */
const randomHeap = fc
  .integer({ min: 1, max: 12 })
  .chain((objects) =>
    fc.record({
      objects: fc.constant(objects),
      fromGlobal: fc.array(fc.integer({ min: 0, max: objects - 1 }), { maxLength: 3 }),
      fromSystem: fc.array(fc.integer({ min: 0, max: objects - 1 }), { maxLength: 2 }),
      links: fc.array(
        fc.record({
          from: fc.integer({ min: 0, max: objects - 1 }),
          to: fc.integer({ min: 0, max: objects - 1 }),
          type: fc.constantFrom('property', 'element', 'internal', 'weak', 'hidden', 'shortcut', 'context'),
        }),
        { maxLength: 30 },
      ),
      sizes: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: objects, maxLength: objects }),
      types: fc.array(fc.constantFrom('object', 'array', 'hidden', 'closure', 'string'), { minLength: objects, maxLength: objects }),
    }),
  );

describe("dominators and retained sizes equal DevTools' on random heaps", () => {
  it('including weak-only objects, unreachable cliques, shortcuts and self edges', async () => {
    await fc.assert(
      fc.asyncProperty(randomHeap, async (heap) => {
        const nodes: BuilderNode[] = [
          { type: 'synthetic', name: '', id: 1, selfSize: 0, edges: [{ type: 'shortcut', name: 'global', to: 2 }, { type: 'element', name: 1, to: 1 }] },
          { type: 'synthetic', name: '(GC roots)', id: 3, selfSize: 0, edges: heap.fromSystem.map((o, i) => ({ type: 'element', name: i, to: o + 3 })) },
          { type: 'object', name: 'global', id: 5, selfSize: 10, edges: heap.fromGlobal.map((o, i) => ({ type: 'property', name: `g${i}`, to: o + 3 })) },
        ];
        for (let i = 0; i < heap.objects; i++) {
          nodes.push({
            type: heap.types[i]!,
            name: `O${i}`,
            id: 7 + 2 * i,
            selfSize: heap.sizes[i]!,
            edges: heap.links
              .filter((l) => l.from === i)
              .map((l, k) => ({ type: l.type, name: l.type === 'element' || l.type === 'hidden' ? k : `p${k}`, to: l.to + 3 })),
          });
        }
        const file = join(dir, `random-${counter++}.heapsnapshot`);
        writeFileSync(file, buildSnapshotText(nodes));
        const graph = await parseSnapshot(file);
        const theirs = (await loadWithDevTools(file)) as unknown as { dominatorsTree: Uint32Array; retainedSizes: Float64Array; nodeDistances: Int32Array };
        const { dominators, retainedSizes } = dominatorTree(graph);
        expect(Array.from(dominators)).toEqual(Array.from(theirs.dominatorsTree));
        expect(Array.from(retainedSizes)).toEqual(Array.from(theirs.retainedSizes));
        expect(Array.from(nodeDistances(graph))).toEqual(Array.from(theirs.nodeDistances));
      }),
      { numRuns: 60 },
    );
  });
});
