import { describe, expect, it } from 'vitest';
import { dominatorTree, nodeDistances, parseSnapshot, summarizeClasses } from '@heapdiff/core';
import { inflatedFixture, type Fixture } from '../helpers/fixtures.js';
import { loadWithDevTools } from '../helpers/devtools/load-with-devtools.js';
import { memlabRootRetainedSize } from '../helpers/peers.js';
import { devToolsRowsByKey, ourRowsByKey } from '../helpers/devtools/class-rows.js';

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
  it('every node: distance, immediate dominator, retained size; every Summary row: count, shallow and retained size', async () => {
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

    // Every row of the Summary (plain objects by shape, constructors by place) with its retained size.
    expect(ourRowsByKey(summarizeClasses(graph, { retained: true }))).toEqual(devToolsRowsByKey(devtools, true));
  });
});
