import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dominatorTree, nodeDistances, parseSnapshot, BASE_SYSTEM_DISTANCE, NO_DISTANCE, type HeapGraph } from '@heapdiff/core';
import { buildSnapshotText, type BuilderEdge, type BuilderNode } from '../helpers/snapshot-builder.js';

/**
 * Tiny graphs under a root and a "(GC roots)" node, with named objects whose dominators and
 * retained sizes can be worked out by hand. Nodes: 0 root, 1 (GC roots), 2 global, then the
 * objects given, from ordinal 3. Shortcut root → global makes global a program root.
 */
async function graphOf(objects: { name: string; size: number; edges?: [string, number, string?][] }[], globalEdges: number[]): Promise<HeapGraph> {
  const nodes: BuilderNode[] = [
    { type: 'synthetic', name: '', id: 1, selfSize: 0, edges: [{ type: 'shortcut', name: 'global', to: 2 }, { type: 'element', name: 1, to: 1 }] },
    { type: 'synthetic', name: '(GC roots)', id: 3, selfSize: 0, edges: [{ type: 'element', name: 1, to: 2 }] },
    { type: 'object', name: 'global', id: 5, selfSize: 10, edges: globalEdges.map((to, i) => ({ type: 'property', name: `g${i}`, to })) },
    ...objects.map((o, i): BuilderNode => ({
      type: 'object',
      name: o.name,
      id: 7 + 2 * i,
      selfSize: o.size,
      edges: (o.edges ?? []).map(([type, to, name]): BuilderEdge => ({ type, name: name ?? `e${to}`, to })),
    })),
  ];
  return parseSnapshot((async function* () {
    yield Buffer.from(buildSnapshotText(nodes));
  })());
}

function byName(graph: HeapGraph) {
  const { dominators, retainedSizes } = dominatorTree(graph);
  const distances = nodeDistances(graph);
  const out: Record<string, { dom: string; retained: number; distance: number }> = {};
  for (let n = 2; n < graph.nodeCount; n++) {
    out[graph.nodeName(n)] = { dom: graph.nodeName(dominators[n]!) || '(root)', retained: retainedSizes[n]!, distance: distances[n]! };
  }
  return out;
}

describe('dominators and retained sizes on graphs worked out by hand', () => {
  it('a diamond: the join is dominated by the top, not by either side', async () => {
    // global → A → B → D, A → C → D
    const graph = await graphOf(
      [
        { name: 'A', size: 1, edges: [['property', 4], ['property', 5]] },
        { name: 'B', size: 2, edges: [['property', 6]] },
        { name: 'C', size: 4, edges: [['property', 6]] },
        { name: 'D', size: 8 },
      ],
      [3],
    );
    expect(byName(graph)).toEqual({
      global: { dom: '(root)', retained: 25, distance: 1 },
      A: { dom: 'global', retained: 15, distance: 2 },
      B: { dom: 'A', retained: 2, distance: 3 },
      C: { dom: 'A', retained: 4, distance: 3 },
      D: { dom: 'A', retained: 8, distance: 4 },
    });
  });

  it('a cycle: each member dominated by the one it is entered through', async () => {
    // global → A → B → C → A
    const graph = await graphOf(
      [
        { name: 'A', size: 1, edges: [['property', 4]] },
        { name: 'B', size: 2, edges: [['property', 5]] },
        { name: 'C', size: 4, edges: [['property', 3]] },
      ],
      [3],
    );
    expect(byName(graph)).toMatchObject({ A: { dom: 'global', retained: 7 }, B: { dom: 'A', retained: 6 }, C: { dom: 'B', retained: 4 } });
  });

  it('weak edges retain nothing; an object held only weakly hangs off the root', async () => {
    // global → B → C strongly; A (held by nothing) → C weakly.
    const graph2 = await graphOf(
      [
        { name: 'A', size: 1, edges: [['weak', 5]] },
        { name: 'B', size: 2, edges: [['property', 5]] },
        { name: 'C', size: 4 },
      ],
      [4],
    );
    const result = byName(graph2);
    expect(result['B']).toEqual({ dom: 'global', retained: 6, distance: 2 });
    expect(result['C']).toEqual({ dom: 'B', retained: 4, distance: 3 });
    // A is reached by nothing strong: the root dominates it and nothing reaches it.
    expect(result['A']).toEqual({ dom: '(root)', retained: 1, distance: NO_DISTANCE });
  });

  it('an unreachable clique: each member hangs off the root on its own', async () => {
    // X ↔ Y, reachable from nothing.
    const graph = await graphOf(
      [
        { name: 'X', size: 3, edges: [['property', 4]] },
        { name: 'Y', size: 5, edges: [['property', 3]] },
      ],
      [],
    );
    const result = byName(graph);
    expect(result['X']!.dom).toBe('(root)');
    expect(result['Y']!.dom).toBe('(root)');
    expect(result['X']!.distance).toBe(NO_DISTANCE);
  });

  it('shortcut edges count only from the root', async () => {
    // global → A → B, and A has a shortcut to C, also reached from B
    const graph = await graphOf(
      [
        { name: 'A', size: 1, edges: [['property', 4], ['shortcut', 5]] },
        { name: 'B', size: 2, edges: [['property', 5]] },
        { name: 'C', size: 4 },
      ],
      [3],
    );
    expect(byName(graph)).toMatchObject({ C: { dom: 'B', retained: 4 }, B: { retained: 6 } });
  });

  it('objects reached only through the engine get the system base distance', async () => {
    // (GC roots) → S (an engine object) → T; global reaches neither.
    const nodes: BuilderNode[] = [
      { type: 'synthetic', name: '', id: 1, selfSize: 0, edges: [{ type: 'shortcut', name: 'global', to: 2 }, { type: 'element', name: 1, to: 1 }] },
      { type: 'synthetic', name: '(GC roots)', id: 3, selfSize: 0, edges: [{ type: 'element', name: 1, to: 3 }] },
      { type: 'object', name: 'global', id: 5, selfSize: 10 },
      { type: 'hidden', name: 'S', id: 7, selfSize: 3, edges: [{ type: 'internal', name: 't', to: 4 }] },
      { type: 'object', name: 'T', id: 9, selfSize: 4 },
    ];
    const graph = await parseSnapshot((async function* () {
      yield Buffer.from(buildSnapshotText(nodes));
    })());
    expect(Array.from(nodeDistances(graph))).toEqual([BASE_SYSTEM_DISTANCE, BASE_SYSTEM_DISTANCE + 1, 1, BASE_SYSTEM_DISTANCE + 2, BASE_SYSTEM_DISTANCE + 3]);
  });
});

/** Dominators the slow, obvious way: d dominates n iff n is unreachable from the root without d. */
function slowDominators(count: number, edges: [number, number][], root: number): number[] {
  const reach = (blocked: number): boolean[] => {
    const seen = new Array<boolean>(count).fill(false);
    if (blocked === root) return seen;
    const stack = [root];
    seen[root] = true;
    while (stack.length) {
      const n = stack.pop()!;
      for (const [from, to] of edges) {
        if (from === n && to !== blocked && !seen[to]) {
          seen[to] = true;
          stack.push(to);
        }
      }
    }
    return seen;
  };
  const reachable = reach(-1);
  const dominatorsOf = (n: number) => [...Array(count).keys()].filter((d) => d !== n && reachable[n] && !reach(d)[n]);
  // The immediate dominator is the dominator that every other dominator also dominates.
  return [...Array(count).keys()].map((n) => {
    if (n === root || !reachable[n]) return -1;
    const ds = dominatorsOf(n);
    return ds.find((d) => ds.every((other) => other === d || dominatorsOf(d).includes(other))) ?? -1;
  });
}

describe('the dominator of every reachable node, on random graphs', () => {
  it('matches the definition (every path from the root passes through it)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 9 }).chain((objects) =>
          fc.tuple(
            fc.constant(objects),
            fc.array(fc.tuple(fc.integer({ min: 0, max: objects - 1 }), fc.integer({ min: 0, max: objects - 1 })), { maxLength: 20 }),
            fc.array(fc.integer({ min: 0, max: objects - 1 }), { minLength: 1, maxLength: 3 }),
          ),
        ),
        async ([objects, links, fromGlobal]) => {
          const graph = await graphOf(
            Array.from({ length: objects }, (_, i) => ({
              name: `O${i}`,
              size: i + 1,
              edges: links.filter(([from]) => from === i).map(([, to], k): [string, number, string] => ['property', to + 3, `p${k}`]),
            })),
            fromGlobal.map((o) => o + 3),
          );
          // Reference on the same graph, restricted to what DevTools counts: property edges, minus self edges.
          const edges: [number, number][] = [[0, 2], [0, 1], [1, 2], ...fromGlobal.map((o): [number, number] => [2, o + 3])];
          for (const [from, to] of links) if (from !== to) edges.push([from + 3, to + 3]);
          const expected = slowDominators(graph.nodeCount, edges, 0);
          const { dominators } = dominatorTree(graph);
          for (let n = 1; n < graph.nodeCount; n++) {
            if (expected[n] === -1) continue; // unreachable: hangs off the root by convention
            expect({ node: n, dominator: dominators[n] }).toEqual({ node: n, dominator: expected[n] });
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
