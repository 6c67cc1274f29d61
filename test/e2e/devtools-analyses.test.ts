import { describe, expect, it } from 'vitest';
import { dominatorTree, nodeDistances, parseSnapshot, summarizeClasses } from '@heapdiff/core';
import { inflatedFixture, type Fixture } from '../helpers/fixtures.js';
import { loadWithDevTools } from '../helpers/devtools/load-with-devtools.js';
import { memlabRootRetainedSize } from '../helpers/peers.js';

interface DevToolsArrays {
  retainedSizes: Float64Array;
  nodeDistances: Int32Array;
  dominatorsTree: Uint32Array;
}

/** The first few nodes where two arrays differ, for a readable failure. */
function differences(ours: ArrayLike<number>, theirs: ArrayLike<number>, limit = 5) {
  const found: { node: number; ours: number; theirs: number }[] = [];
  for (let i = 0; i < ours.length && found.length < limit; i++) {
    if (ours[i] !== theirs[i]) found.push({ node: i, ours: ours[i]!, theirs: theirs[i]! });
  }
  return found;
}

describe.each([20, 24, 26, 'chrome'] as Fixture[])("analyses equal DevTools' on the %s snapshot", (fixture) => {
  it('every node: distance, immediate dominator, retained size; every class: retained size', async () => {
    const file = inflatedFixture(fixture);
    const [graph, devtools] = await Promise.all([parseSnapshot(file), loadWithDevTools(file)]);
    const theirs = devtools as unknown as DevToolsArrays;
    expect(theirs.retainedSizes.length).toBe(graph.nodeCount);
    const distances = nodeDistances(graph);
    const { dominators, retainedSizes } = dominatorTree(graph);
    expect(differences(distances, theirs.nodeDistances)).toEqual([]);
    expect(differences(dominators, theirs.dominatorsTree)).toEqual([]);
    expect(differences(retainedSizes, theirs.retainedSizes)).toEqual([]);
    // memlab computes retained sizes its own way; the root's (the whole heap) must agree too.
    expect(await memlabRootRetainedSize(file)).toBe(retainedSizes[graph.rootOrdinal]);

    const byName = new Map<string, number>();
    for (const aggregate of Object.values(devtools.aggregatesWithFilter({}))) {
      const name = aggregate.name.startsWith('{') ? 'Object' : aggregate.name;
      if (name === 'Object') continue; // DevTools' shape groups change which Objects "see" each other
      byName.set(name, (byName.get(name) ?? 0) + aggregate.maxRet);
    }
    const ours = new Map(
      summarizeClasses(graph, { retained: true })
        .rows.filter((r) => r.className !== 'Object')
        .map((r) => [r.className, r.retainedSize]),
    );
    expect(Object.fromEntries(ours)).toEqual(Object.fromEntries(byName));
  });
});
