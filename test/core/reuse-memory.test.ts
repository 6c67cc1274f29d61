import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeGraph, dominatorTree, nodeDistances, parseSnapshot, shallowSizes, summarizeClasses, takeCensus, type HeapGraph } from '@heapdiff/core';
import { scratchArrays } from '../../packages/core/src/graph/scratch-arrays.js';
import { fixturePath, inflatedFixture, tempDir, type Fixture } from '../helpers/fixtures.js';

// A low parallel threshold puts these small graphs in shared memory, as files of 100 MB and up are.
const SHARED = { parallelMinValues: 1 };

/** Everything the analyses say of a graph, to compare a load into reused memory with a fresh one. */
async function everything(graph: HeapGraph): Promise<unknown> {
  await analyzeGraph(graph);
  const tree = dominatorTree(graph);
  return {
    summary: summarizeClasses(graph).rows,
    distances: Array.from(nodeDistances(graph)),
    dominators: Array.from(tree.dominators),
    retained: Array.from(tree.retainedSizes),
    edges: Array.from(graph.edges),
    firstEdge: Array.from(graph.firstEdge),
    locations: Array.from(graph.locations),
  };
}

function buffersOf(graph: HeapGraph): Set<ArrayBufferLike> {
  return new Set([graph.nodes.buffer, graph.edges.buffer, graph.firstEdge.buffer]);
}

describe('parseSnapshot({ reuse })', () => {
  // Same snapshot (fits exactly), a smaller one, a bigger one, and across Node versions' layouts.
  const pairs: [Fixture, Fixture][] = [
    [20, 20],
    [24, 20],
    [20, 24],
    [18, 26],
  ];
  it.each(pairs)('node%s → node%s: the load into reused memory equals a fresh load, analyses and all', async (before, after) => {
    const old = await parseSnapshot(inflatedFixture(before), SHARED);
    // Analysed and censused first, as `heapdiff leaks` does: its work arrays go to the next load too.
    await analyzeGraph(old);
    takeCensus(old, { retained: true });
    const oldBuffers = buffersOf(old);
    const reused = await parseSnapshot(inflatedFixture(after), { ...SHARED, reuse: old });
    const fresh = await parseSnapshot(inflatedFixture(after), { workers: 0 });
    // The same snapshot again: its nodes and edges go where the old ones were (the edge index may take an old work array).
    if (before === after) expect([oldBuffers.has(reused.nodes.buffer), oldBuffers.has(reused.edges.buffer)]).toEqual([true, true]);
    expect(await everything(reused)).toEqual(await everything(fresh));
  });

  it('the analyses\' results in shared memory go to the next load as well: its shallow sizes land in memory the graph before held', async () => {
    const old = await parseSnapshot(inflatedFixture(20), SHARED);
    await analyzeGraph(old);
    const tree = dominatorTree(old);
    const held = new Set<ArrayBufferLike>([...buffersOf(old), ...scratchArrays(old).peek(), shallowSizes(old).buffer, nodeDistances(old).buffer, tree.dominators.buffer, tree.firstDominated.buffer]);
    const reused = await parseSnapshot(inflatedFixture(20), { ...SHARED, reuse: old });
    expect(held.has(shallowSizes(reused).buffer)).toBe(true);
    expect(await everything(reused)).toEqual(await everything(await parseSnapshot(inflatedFixture(20), { workers: 0 })));
  });

  it("the locations (a record per function: 85 MB of a 740 MB snapshot) go into the graph before's locations", async () => {
    // (A graph kept in shared memory: files of 100 MB and up.)
    const big = { ...SHARED, sharedMinBytes: 0 };
    const old = await parseSnapshot(inflatedFixture(20), big);
    expect(old.locations.length).toBeGreaterThan(0);
    const before = old.locations.buffer;
    const reused = await parseSnapshot(inflatedFixture(20), { ...big, reuse: old });
    expect(reused.locations.buffer).toBe(before);
    expect(Array.from(reused.locations)).toEqual(Array.from((await parseSnapshot(inflatedFixture(20), { workers: 0 })).locations));
  });

  it('the graph given refuses any use afterwards, with what happened; given again, it is refused up front', async () => {
    const old = await parseSnapshot(inflatedFixture(20), SHARED);
    await parseSnapshot(inflatedFixture(20), { ...SHARED, reuse: old });
    expect(() => old.nodeCount).toThrow(/given to parseSnapshot as `reuse`: its memory went to that load; load its file again/);
    expect(() => summarizeClasses(old)).toThrow(/reuse/);
    expect(() => takeCensus(old)).toThrow(/reuse/);
    expect({ ...old }).toBeTypeOf('object'); // spreading or logging it does not throw
    await expect(parseSnapshot(inflatedFixture(20), { ...SHARED, reuse: old })).rejects.toThrow(/`reuse` names a graph already given to another load/);
  });

  it('gzip and stream input (sizes not known up front) load into the memory too, with the same results', async () => {
    // A series of gzip files. (After a plain file, whose workers packed the nodes as they
    // placed them, the nodes of a gzip file, placed as in the file and packed after, do not
    // fit the smaller array: they take fresh memory.)
    const old = await parseSnapshot(fixturePath(20), SHARED);
    const oldBuffers = buffersOf(old);
    const reused = await parseSnapshot(fixturePath(20), { ...SHARED, reuse: old });
    expect([oldBuffers.has(reused.nodes.buffer), oldBuffers.has(reused.edges.buffer)]).toEqual([true, true]);
    expect(await everything(reused)).toEqual(await everything(await parseSnapshot(fixturePath(20), { workers: 0 })));
  });

  it('a load that fails before it needs the memory (a bad header) leaves the graph whole, so the series goes on', async () => {
    const old = await parseSnapshot(inflatedFixture(20), SHARED);
    const rows = summarizeClasses(old).rows;
    const junk = join(tempDir(), 'junk.heapsnapshot');
    writeFileSync(junk, '{"snapshot":{"meta":{}},"nodes":[');
    await expect(parseSnapshot(junk, { ...SHARED, reuse: old })).rejects.toThrow(/node_fields|meta|header/);
    expect(summarizeClasses(old).rows).toEqual(rows);
    const next = await parseSnapshot(inflatedFixture(20), { ...SHARED, reuse: old });
    expect(summarizeClasses(next).rows).toEqual(rows);
    expect(() => old.nodeCount).toThrow(/reuse/);
  });

  it('a long series of growing snapshots carries no more than one graph\'s memory: leftovers become at most a few node-sized work arrays', async () => {
    let graph = await parseSnapshot(inflatedFixture(18), SHARED);
    await analyzeGraph(graph);
    for (const next of [20, 22, 24, 26, 18, 26] as Fixture[]) {
      graph = await parseSnapshot(inflatedFixture(next), { ...SHARED, reuse: graph });
      const leftovers = scratchArrays(graph).peek();
      expect(leftovers.length).toBeLessThanOrEqual(4);
      for (const buffer of leftovers) expect(buffer.byteLength).toBeLessThanOrEqual(Math.ceil((graph.nodeCount + 1) * 1.25) * 4);
      await analyzeGraph(graph);
    }
  });

  it('a graph outside shared memory (a small file) gives nothing and stays whole', async () => {
    const small = await parseSnapshot(inflatedFixture(20), { workers: 0 });
    const rows = summarizeClasses(small).rows;
    await parseSnapshot(inflatedFixture(22), { ...SHARED, reuse: small });
    expect(summarizeClasses(small).rows).toEqual(rows);
  });

  it('a file that cannot be opened leaves the graph given as it was', async () => {
    const old = await parseSnapshot(inflatedFixture(20), SHARED);
    const count = old.nodeCount;
    await expect(parseSnapshot('/no/such/file.heapsnapshot', { reuse: old })).rejects.toThrow(/no such file|not found|ENOENT/i);
    expect(old.nodeCount).toBe(count);
  });

  it('refuses what is not a loaded graph, and a graph still being analysed', async () => {
    await expect(parseSnapshot(inflatedFixture(20), { reuse: {} as HeapGraph })).rejects.toThrow(/`reuse` takes a graph parseSnapshot loaded, got an object \(Object\)/);
    const busy = await parseSnapshot(inflatedFixture(20), SHARED);
    const analysing = analyzeGraph(busy);
    await expect(parseSnapshot(inflatedFixture(20), { reuse: busy })).rejects.toThrow(/still being analysed; await its analyses first/);
    await analysing;
    expect(busy.nodeCount).toBeGreaterThan(0);
  });
});
