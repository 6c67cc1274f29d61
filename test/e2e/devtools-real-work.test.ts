import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph, dominatorTree, nodeDistances, parseSnapshot, summarizeClasses, type HeapGraph } from '@heapdiff/core';
import { loadWithDevTools, type DevToolsSnapshot } from '../helpers/devtools/load-with-devtools.js';
import { devToolsRowsByKey, ourRowsByKey } from '../helpers/devtools/class-rows.js';
import { tempDir } from '../helpers/fixtures.js';
import { nodeForBigScriptSnapshots } from '../helpers/node-for-snapshots.js';

const program = fileURLToPath(new URL('../fixtures/programs/tsc-at-work.cjs', import.meta.url));
const node = nodeForBigScriptSnapshots();

function firstDifferences(ours: ArrayLike<number>, theirs: ArrayLike<number>) {
  const found = [];
  for (let i = 0; i < ours.length && found.length < 5; i++) if (ours[i] !== theirs[i]) found.push({ node: i, ours: ours[i], theirs: theirs[i] });
  return found;
}

describe.skipIf(!node)('a Node process doing real work: tsc type-checking heapdiff core', () => {
  let graph: HeapGraph;
  let devtools: DevToolsSnapshot & { retainedSizes: Float64Array; nodeDistances: Int32Array; dominatorsTree: Uint32Array };
  beforeAll(async () => {
    const file = join(tempDir(), 'tsc.heapsnapshot');
    execFileSync(node!, [program, file], { timeout: 120_000 });
    graph = await parseSnapshot(file);
    await analyzeGraph(graph);
    devtools = (await loadWithDevTools(file)) as typeof devtools;
  }, 240_000);

  it('every node: distance, immediate dominator and retained size equal DevTools\'', () => {
    expect(graph.nodeCount).toBeGreaterThan(500_000);
    expect(firstDifferences(nodeDistances(graph), devtools.nodeDistances)).toEqual([]);
    expect(firstDifferences(dominatorTree(graph).dominators, devtools.dominatorsTree)).toEqual([]);
    expect(firstDifferences(dominatorTree(graph).retainedSizes, devtools.retainedSizes)).toEqual([]);
  });

  it('every Summary row: count, shallow size and retained size equal DevTools\'', () => {
    // Every row (plain objects by shape, constructors by place), exactly.
    expect(ourRowsByKey(summarizeClasses(graph, { retained: true }))).toEqual(devToolsRowsByKey(devtools, true));
  });
});
