import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classMembers, parseSnapshot, summarizeClasses, viewSummary, type HeapGraph } from '@heapdiff/core';
import { buildSnapshotText, tinySnapshotNodes } from '../helpers/snapshot-builder.js';
import { tempDir } from '../helpers/fixtures.js';

const text = buildSnapshotText(tinySnapshotNodes());

async function* inPieces(data: Uint8Array, size: number) {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

function describeGraph(graph: HeapGraph) {
  const nodes = [];
  for (let n = 0; n < graph.nodeCount; n++) {
    const edges = [];
    for (let e = graph.firstEdge[n]!; e < graph.firstEdge[n + 1]!; e++) {
      edges.push(`${graph.edgeType(e)}:${graph.edgeName(e)}->${graph.edgeTarget(e)}`);
    }
    nodes.push({ id: graph.nodeId(n), type: graph.nodeType(n), name: graph.nodeName(n), size: graph.selfSize(n), cls: graph.className(n), edges });
  }
  return nodes;
}

describe('parseSnapshot refuses bad arguments with what it takes', () => {
  it.each([
    [42, {}, /expects a file path, a URL, a readable stream or an async iterable of Uint8Array, got 42/],
    [null, {}, /got null/],
    ['x.heapsnapshot', { workers: -1 }, /`workers` takes 'auto' or a whole number from 0, got -1/],
    ['x.heapsnapshot', { workers: 1.5 }, /`workers` takes/],
    ['x.heapsnapshot', { readChunkSize: 0 }, /`readChunkSize` takes a whole number of bytes above 0, got 0/],
  ])('%j with %j', async (input, options, message) => {
    await expect(parseSnapshot(input as never, options as never)).rejects.toThrow(message);
  });
});

describe('parseSnapshot on a hand-made snapshot', () => {
  it('reads nodes, edges, strings and class names', async () => {
    const graph = await parseSnapshot(Readable.from([Buffer.from(text)]));
    expect(graph.nodeCount).toBe(9);
    expect(graph.edgeCount).toBe(7);
    expect(describeGraph(graph)).toEqual([
      { id: 1, type: 'synthetic', name: '', size: 0, cls: '(synthetic)', edges: ['shortcut:1->2', 'element:1->1'] },
      { id: 3, type: 'synthetic', name: '(GC roots)', size: 0, cls: '(synthetic)', edges: ['element:1->2'] },
      { id: 5, type: 'object', name: 'global', size: 40, cls: 'global', edges: ['property:a->3', 'property:b->4'] },
      { id: 7, type: 'object', name: 'Foo', size: 24, cls: 'Foo', edges: ['property:text->5'] },
      { id: 9, type: 'object', name: 'Foo', size: 24, cls: 'Foo', edges: ['weak:peer->3'] },
      { id: 11, type: 'string', name: 'café 😀 "q"', size: 32, cls: '(string)', edges: [] },
      { id: 13, type: 'closure', name: 'handler', size: 32, cls: 'Function', edges: [] },
      { id: 14, type: 'native', name: '<div id="x" class="y">', size: 100, cls: '<div>', edges: [] },
      { id: 15, type: 'hidden', name: 'system / Context', size: 0, cls: '(system)', edges: [] },
    ]);
  });

  it('reads locations whose line or column V8 does not know (-1, as Node 24 writes for vm-compiled code)', async () => {
    const withLocations = text.replace('"locations":[]', '"locations":[36,7,12,4,42,9,-1,-1]');
    const graph = await parseSnapshot(Readable.from([Buffer.from(withLocations)]));
    expect([...graph.locations]).toEqual([36, 7, 12, 4, 42, 9, -1, -1]);
    // Kept in 32 bits, half the memory of doubles: V8's values always fit.
    expect(graph.locations).toBeInstanceOf(Int32Array);
  });

  it('keeps locations exact when a value does not fit in 32 bits (2^31, 2^53 - 1, -0), wherever it comes', async () => {
    // Many values, so that the reading goes through more than one stretch, read in pieces of every size.
    // (Each entry's object_index a node's start, 36, as the load checks; the other fields vary.)
    const values = Array.from({ length: 40_000 }, (_, i) => (i % 4 === 0 ? 36 : (i % 7) - (i % 11 === 0 ? 1 : 0)));
    for (const [at, big] of [[3, 2 ** 31], [39_998, 2 ** 53 - 1], [20_001, -(2 ** 31) - 1]] as const) {
      const copy = [...values];
      copy[at] = big;
      const graph = await parseSnapshot(inPieces(Buffer.from(text.replace('"locations":[]', `"locations":[${copy.join(',')}]`)), 4093));
      expect(graph.locations).toBeInstanceOf(Float64Array);
      expect([...graph.locations]).toEqual(copy);
    }
    const negativeZero = await parseSnapshot(Readable.from([Buffer.from(text.replace('"locations":[]', '"locations":[36,-0,12,4]'))]));
    expect(Object.is(negativeZero.locations[1], -0)).toBe(true);
  });

  it('keeps locations exact when V8-like unsigned values meet one that is not, late or early, in pieces or whole', async () => {
    // No sign in the first 30,000 values, as V8 writes them: then 2^31, 2^32 + 5, 2^53 - 1, -1 or -0.
    const values = Array.from({ length: 40_000 }, (_, i) => (i % 4 === 0 ? 36 : (i * 7919) % 100_003));
    for (const at of [1, 30_001, 39_999]) {
      for (const odd of [2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1, -1, -0]) {
        const copy = [...values];
        copy[at] = odd;
        const body = Buffer.from(text.replace('"locations":[]', `"locations":[${copy.map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(',')}]`));
        // In pieces (the size unknown: the array grows as values come) and as one buffer.
        for (const input of [inPieces(body, 4093), Readable.from([body])]) {
          const graph = await parseSnapshot(input);
          const fits = odd === -1;
          expect(graph.locations).toBeInstanceOf(fits ? Int32Array : Float64Array);
          expect([...graph.locations]).toEqual(copy);
          expect(Object.is(graph.locations[at], odd)).toBe(true);
        }
      }
    }
    const plain = await parseSnapshot(inPieces(Buffer.from(text.replace('"locations":[]', `"locations":[${values.join(',')}]`)), 4093));
    expect(plain.locations).toBeInstanceOf(Int32Array);
    expect([...plain.locations]).toEqual(values);
  });

  it('decodes escapes lazily: \\uXXXX surrogate pairs, \\n, quotes, and raw UTF-8', async () => {
    // V8 writes non-ASCII as raw UTF-8 or as \\u escapes; both must decode to the same text.
    const escaped = text.replace('café 😀', 'caf\\u00e9 \\ud83d\\ude00');
    expect(escaped).not.toBe(text);
    const graph = await parseSnapshot(inPieces(Buffer.from(escaped), 3));
    expect(graph.nodeName(5)).toBe('café 😀 "q"');
    expect((await parseSnapshot(inPieces(Buffer.from(text), 3))).nodeName(5)).toBe('café 😀 "q"');
  });

  it('gives the same graph for every chunk size, including one byte at a time', async () => {
    const data = Buffer.from(text);
    const whole = describeGraph(await parseSnapshot(inPieces(data, data.length)));
    for (const size of [1, 2, 3, 7, 64]) {
      expect(describeGraph(await parseSnapshot(inPieces(data, size)))).toEqual(whole);
    }
  });

  it('reads gzip input from a file and from a stream', async () => {
    const dir = tempDir();
    const file = join(dir, 'tiny.heapsnapshot.gz');
    const gz = gzipSync(text);
    writeFileSync(file, gz);
    const expected = describeGraph(await parseSnapshot(Readable.from([Buffer.from(text)])));
    expect(describeGraph(await parseSnapshot(file))).toEqual(expected);
    expect(describeGraph(await parseSnapshot(inPieces(gz, 5)))).toEqual(expected);
  });

  it('builds retainers, the id index and maxJsNodeId', async () => {
    const graph = await parseSnapshot(inPieces(Buffer.from(text), 1000));
    const { firstRetainer, retainerNodes } = graph.retainers;
    const retainersOf = (n: number) => {
      const edges = graph.retainingEdges(n);
      return Array.from(retainerNodes.subarray(firstRetainer[n], firstRetainer[n + 1])).map((from, i) => `${from}:${graph.edgeName(edges[i]!)}`);
    };
    expect(retainersOf(2)).toEqual(['0:1', '1:1']);
    expect(retainersOf(3)).toEqual(['2:a', '4:peer']);
    expect(retainersOf(0)).toEqual([]);
    expect(graph.ordinalOfId(11)).toBe(5);
    expect(graph.ordinalOfId(14)).toBe(7);
    expect(graph.ordinalOfId(12)).toBe(-1);
    expect(graph.maxJsNodeId).toBe(15);
  });

  it('finds retaining edges when one node points at another twice', async () => {
    const nodes = tinySnapshotNodes();
    nodes[2]!.edges!.push({ type: 'property', name: 'again', to: 3 }, { type: 'element', name: 7, to: 4 });
    const graph = await parseSnapshot(inPieces(Buffer.from(buildSnapshotText(nodes)), 1000));
    const names = (n: number) => Array.from(graph.retainingEdges(n)).map((e) => `${graph.edgeType(e)}:${graph.edgeName(e)}`);
    expect(names(3)).toEqual(['property:a', 'property:again', 'weak:peer']);
    expect(names(4)).toEqual(['property:b', 'element:7']);
    expect(Array.from(graph.retainers.retainerNodes.subarray(graph.retainers.firstRetainer[3], graph.retainers.firstRetainer[4]))).toEqual([2, 2, 4]);
  });

  it('summarises classes like DevTools (zero-size nodes left out)', async () => {
    const graph = await parseSnapshot(inPieces(Buffer.from(text), 1000));
    const summary = summarizeClasses(graph);
    expect(summary.rows.map(({ classKey: _, ...row }) => row)).toEqual([
      { className: '<div>', count: 1, selfSize: 100 },
      { className: 'Foo', count: 2, selfSize: 48 },
      { className: 'global', count: 1, selfSize: 40 },
      { className: '(string)', count: 1, selfSize: 32 },
      { className: 'Function', count: 1, selfSize: 32 },
    ]);
    // Each row's key lists its objects.
    const foo = summary.rows.find((row) => row.className === 'Foo')!;
    expect(Array.from(classMembers(graph, foo.classKey), (node) => graph.className(node))).toEqual(['Foo', 'Foo']);
    expect(() => classMembers(graph, 99)).toThrow('classMembers: no class 99 in this snapshot (it has');
    expect(summary.totalCount).toBe(6);
    expect(summary.totalSelfSize).toBe(252);
    expect(viewSummary(summary, { filter: 'o', sort: 'count' }).rows.map((r) => r.className)).toEqual(['Foo', 'global', 'Function']);
  });
});
