import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BASE_SYSTEM_DISTANCE, NO_DISTANCE, analyzeGraph, describeNode, dominatorTree, nodeDistances, parseSnapshot, summarizeClasses, type HeapGraph } from '@heapdiff/core';
import { HeapWorkerPool } from '../../packages/core/src/workers/heap-worker-pool.js';
import { tempDir } from '../helpers/fixtures.js';
import { runCli, TSX_ARGS } from '../helpers/run-cli.js';
import { buildSnapshotText, type BuilderNode } from '../helpers/snapshot-builder.js';

const dir = tempDir();
const source = (path: string) => JSON.stringify(pathToFileURL(join(import.meta.dirname, '../../packages/core/src', path)).href);

/** A snapshot of `nodes` as a file; `rootIndex` puts the root elsewhere than the first node. */
function snapshotFile(name: string, nodes: BuilderNode[], rootIndex?: number): string {
  let text = buildSnapshotText(nodes);
  if (rootIndex !== undefined) text = text.replace('"extra_native_bytes":0', `"extra_native_bytes":0,"root_index":${rootIndex}`);
  const file = join(dir, `${name}.heapsnapshot`);
  writeFileSync(file, text);
  return file;
}

const ZERO_NODES =
  '{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],"node_types":[["synthetic"],"string","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["element"],"string_or_number","node"]},"node_count":0,"edge_count":0},"nodes":[],"edges":[],"strings":[""]}';

/** What the analyses say about every node, by name. */
function analysed(graph: HeapGraph) {
  const { dominators, retainedSizes } = dominatorTree(graph);
  const distances = nodeDistances(graph);
  return Array.from({ length: graph.nodeCount }, (_, n) => ({
    name: graph.nodeName(n),
    dominator: dominators[n],
    retained: retainedSizes[n],
    distance: distances[n],
  }));
}

/** Loads `file` both ways the analyses run: on this thread, and (shared memory) on a worker. */
async function bothWays(file: string): Promise<[HeapGraph, HeapGraph]> {
  const inline = await parseSnapshot(file, { workers: 0 });
  await analyzeGraph(inline);
  const shared = await parseSnapshot(file, { workers: 2, parallelMinValues: 1 });
  await analyzeGraph(shared);
  return [inline, shared];
}

describe('graphs of 0, 1 and 2 nodes', () => {
  it('the dominator search on a worker ends at once for a graph without nodes (it used to spin forever)', async () => {
    const pool = new HeapWorkerPool(1);
    const shared = (length: number) => new SharedArrayBuffer(4 * length);
    try {
      // What dominatorTreeOnWorker sends for 0 nodes: arrays of nodeCount + 1 = 1, the root's vertex 1.
      const dfs = pool.run({
        kind: 'dominator-dfs',
        edges: shared(0),
        firstEdge: shared(1),
        essential: new Int32Array(0),
        edgeStep: 3,
        toAt: 2,
        start: 1,
        size: 1,
        parentBuffer: shared(2),
        vertex: shared(1),
        vertexOffset: 0,
        label: shared(1),
        labelOffset: 0,
        semi: shared(1),
        semiOffset: 0,
        scratch: shared(1),
        scratchOffset: 0,
      });
      const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('still running after 5 s'), 5000).unref());
      expect(await Promise.race([dfs, timeout])).toEqual({ count: 0 });
    } finally {
      await pool.close();
    }
  });

  it('the analyses of a graph without nodes end with empty results, on this thread and on a worker', () => {
    // The parser refuses such a file (below); the graph is made by hand, in a child process,
    // so that a search that never ends fails this test instead of stalling the run.
    const script = join(dir, 'empty-graph.mts');
    writeFileSync(
      script,
      `import { HeapGraph } from ${source('graph/heap-graph.ts')};
import { SnapshotParser } from ${source('parser/snapshot-parser.ts')};
import { analyzeGraph, dominatorTree, nodeDistances, shallowSizes, summarizeClasses } from ${source('index.ts')};
const parser = new SnapshotParser();
parser.push(Buffer.from(${JSON.stringify(ZERO_NODES.replace('"node_count":0', '"node_count":1').replace('"nodes":[]', '"nodes":[0,0,1,0,0]'))}));
const parsed = await parser.finish();
const results = [];
for (const memory of [ArrayBuffer, SharedArrayBuffer]) {
  const empty = (n) => new Uint32Array(new memory(4 * n));
  const graph = new HeapGraph({ ...parsed, header: { ...parsed.header, nodeCount: 0 }, nodes: empty(0), edges: empty(0) });
  await analyzeGraph(graph);
  const tree = dominatorTree(graph);
  results.push([tree.dominators.length, tree.retainedSizes.length, tree.dominated.length, nodeDistances(graph).length, shallowSizes(graph).length, summarizeClasses(graph, { retained: true }).rows.length]);
}
console.log(JSON.stringify(results));
`,
    );
    const child = spawnSync(process.execPath, [...TSX_ARGS, script], { encoding: 'utf8', timeout: 20_000 });
    expect(child.error).toBeUndefined();
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual([
      [0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0],
    ]);
  });

  it('a file without nodes: parse refuses it, with a coded error', async () => {
    const file = join(dir, 'zero.heapsnapshot');
    writeFileSync(file, ZERO_NODES);
    for (const workers of [0, 2]) {
      await expect(parseSnapshot(file, { workers, parallelMinValues: 1 })).rejects.toMatchObject({
        code: 'HEAPDIFF_SNAPSHOT_FORMAT',
        message: expect.stringMatching(/^the header declares 0 nodes: a heap snapshot has at least its root node/),
      });
    }
  });

  it('heapdiff summary and inspect on a file without nodes end at once, with the error and exit code 2', async () => {
    const file = join(dir, 'zero-cli.heapsnapshot');
    writeFileSync(file, ZERO_NODES);
    const message = `heapdiff: the header declares 0 nodes: a heap snapshot has at least its root node; the file was not written by V8, or its header is wrong (${file}, byte offset 12)\n`;
    for (const args of [['summary', file], ['summary', file, '--shallow'], ['inspect', file, '@1']]) {
      const started = performance.now();
      const result = await runCli(args, { timeoutMs: 30_000 });
      expect(result).toEqual({ code: 2, stdout: '', stderr: message });
      expect(performance.now() - started).toBeLessThan(20_000);
    }
  });

  it('one node, the root: every analysis is about the root alone', async () => {
    const file = snapshotFile('one', [{ type: 'synthetic', name: '', id: 1, selfSize: 0 }]);
    for (const graph of await bothWays(file)) {
      expect(analysed(graph)).toEqual([{ name: '', dominator: 0, retained: 0, distance: 0 }]);
      expect(summarizeClasses(graph, { retained: true }).rows).toEqual([]);
      expect(describeNode(graph, 0)).toMatchObject({ id: 1, retainedSize: 0, distance: 0 });
    }
  });

  it('two nodes: the root holding an object, and an object nobody holds', async () => {
    const held = snapshotFile('two-held', [
      { type: 'synthetic', name: '', id: 1, selfSize: 0, edges: [{ type: 'property', name: 'x', to: 1 }] },
      { type: 'object', name: 'Foo', id: 3, selfSize: 24 },
    ]);
    for (const graph of await bothWays(held)) {
      // As in DevTools, the root itself counts as reached through the engine once it has program roots.
      expect(analysed(graph)).toEqual([
        { name: '', dominator: 0, retained: 24, distance: BASE_SYSTEM_DISTANCE },
        { name: 'Foo', dominator: 0, retained: 24, distance: 1 },
      ]);
      expect(summarizeClasses(graph, { retained: true }).rows).toMatchObject([{ className: 'Foo', count: 1, selfSize: 24, retainedSize: 24 }]);
    }
    const unheld = snapshotFile('two-unheld', [
      { type: 'synthetic', name: '', id: 1, selfSize: 0 },
      { type: 'object', name: 'Foo', id: 3, selfSize: 24 },
    ]);
    for (const graph of await bothWays(unheld)) {
      expect(analysed(graph)).toEqual([
        { name: '', dominator: 0, retained: 24, distance: 0 },
        { name: 'Foo', dominator: 0, retained: 24, distance: NO_DISTANCE },
      ]);
    }
  });

  it('two nodes with the root second (root_index): the search starts there', async () => {
    const file = snapshotFile(
      'root-second',
      [
        { type: 'object', name: 'Foo', id: 3, selfSize: 24 },
        { type: 'synthetic', name: '', id: 1, selfSize: 0, edges: [{ type: 'property', name: 'x', to: 0 }] },
      ],
      6,
    );
    for (const graph of await bothWays(file)) {
      expect(graph.rootOrdinal).toBe(1);
      expect(analysed(graph)).toEqual([
        { name: 'Foo', dominator: 1, retained: 24, distance: 1 },
        { name: '', dominator: 1, retained: 24, distance: BASE_SYSTEM_DISTANCE },
      ]);
    }
  });

  it('heapdiff summary of a one-node snapshot prints an empty table', async () => {
    const file = snapshotFile('one-cli', [{ type: 'synthetic', name: '', id: 1, selfSize: 0 }]);
    const result = await runCli(['summary', file, '--json'], { timeoutMs: 30_000 });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ nodeCount: 1, classes: [] });
  });
});
