import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSnapshot, type HeapGraph } from '@heapdiff/core';
import { edgeRecords } from '../helpers/edge-records.js';
import { nodeRecords } from '../helpers/node-records.js';
import { inflatedFixture, tempDir } from '../helpers/fixtures.js';
import { referenceParse } from '../helpers/reference-parse.js';
import { buildSnapshotText, tinySnapshotNodes, type BuilderNode } from '../helpers/snapshot-builder.js';

const bytes = (a: Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function expectIdentical(a: HeapGraph, b: HeapGraph): void {
  expect(bytes(a.nodes).equals(bytes(b.nodes))).toBe(true);
  expect(nodeRecords(a)).toEqual(nodeRecords(b));
  expect(bytes(a.edges).equals(bytes(b.edges))).toBe(true);
  expect(bytes(a.firstEdge).equals(bytes(b.firstEdge))).toBe(true);
  expect(a.strings.count).toBe(b.strings.count);
  for (let i = 0; i < a.strings.count; i += 97) expect(a.strings.get(i)).toBe(b.strings.get(i));
}

describe('parsing on worker threads', () => {
  it.each([18, 24] as const)('gives exactly the single-threaded result (Node %i snapshot, many chunk sizes)', async (major) => {
    const file = inflatedFixture(major);
    const inline = await parseSnapshot(file, { workers: 0 });
    for (const readChunkSize of [4093, 65_536, 1_000_003]) {
      const parallel = await parseSnapshot(file, { workers: 2, parallelMinValues: 1, readChunkSize });
      expectIdentical(parallel, inline);
    }
  });

  it('gives the same result when each read fills a whole 4 MiB slab (as files of 400 MB and more are read): a read and the bytes carried from the one before are one job', async () => {
    // ~25 MB of text: numbers of every length, so that each read ends in a different place of a value.
    const count = 300_000;
    const nodes: BuilderNode[] = Array.from({ length: count }, (_, i) => ({
      type: i % 5 === 0 ? 'array' : 'object',
      name: `C${i % 977}`,
      id: 1 + 14 * i,
      selfSize: (i * 2654435761) % 100_003,
      edges: [1, 7, 31, 4099].map((step, k) => ({ type: k === 1 ? 'element' : 'property', name: k === 1 ? (i * 13) % 100_000 : `p${k}`, to: (i + step) % count })),
    }));
    const file = join(tempDir('heapdiff-slabs-'), 'big.heapsnapshot');
    writeFileSync(file, buildSnapshotText(nodes));
    const inline = await parseSnapshot(file, { workers: 0 });
    for (const readChunkSize of [4 * 1024 * 1024, 4 * 1024 * 1024 - 3]) {
      expectIdentical(await parseSnapshot(file, { workers: 2, parallelMinValues: 1, readChunkSize }), inline);
    }
  });

  it('gives the same result for a gzip input', async () => {
    const inline = await parseSnapshot(inflatedFixture(22), { workers: 0 });
    const { fixturePath } = await import('../helpers/fixtures.js');
    expectIdentical(await parseSnapshot(fixturePath(22), { workers: 3, parallelMinValues: 1 }), inline);
  });

  it('reports a bad byte in a section at the same offset, with the same error', async () => {
    const text = readFileSync(inflatedFixture(20));
    const at = text.indexOf('"edges":[') + 5000;
    const broken = Buffer.from(text);
    broken[at] = 0x78; // "x"
    const file = join(tempDir(), 'broken.heapsnapshot');
    writeFileSync(file, broken);
    const inline = await parseSnapshot(file, { workers: 0 }).catch((e: unknown) => e);
    const parallel = await parseSnapshot(file, { workers: 2, parallelMinValues: 1, readChunkSize: 4096 }).catch((e: unknown) => e);
    expect(inline).toMatchObject({ code: 'HEAPDIFF_SNAPSHOT_FORMAT', offset: at });
    expect(parallel).toEqual(inline);
    expect((parallel as Error).message).toBe((inline as Error).message);
  });

  it('reports the first bad value of the file, not one in a later section, though a worker found it', async () => {
    // A bad byte in the edges, then a strings section that is not one, close enough that the
    // worker's job is still out when this thread reads the strings.
    const text = buildSnapshotText(tinySnapshotNodes()).replace(/"edges":\[(\d+),/, '"edges":[$1x,').replace('"strings":["', '"strings":[1,"');
    const file = join(tempDir(), 'two-errors.heapsnapshot');
    writeFileSync(file, text);
    const inline = await parseSnapshot(file, { workers: 0 }).catch((e: unknown) => e);
    expect(inline).toMatchObject({ code: 'HEAPDIFF_SNAPSHOT_FORMAT', message: expect.stringContaining('"edges" must hold only integers') });
    for (const readChunkSize of [97, 65_536]) {
      expect(await parseSnapshot(file, { workers: 2, parallelMinValues: 1, readChunkSize }).catch((e: unknown) => e)).toEqual(inline);
    }
  });

  it('reports a count mismatch the same way', async () => {
    const text = readFileSync(inflatedFixture(26), 'latin1');
    const file = join(tempDir(), 'count.heapsnapshot');
    writeFileSync(file, text.replace(/"edge_count":(\d+)/, (_, n: string) => `"edge_count":${Number(n) + 1}`), 'latin1');
    const inline = await parseSnapshot(file, { workers: 0 }).catch((e: unknown) => e);
    const parallel = await parseSnapshot(file, { workers: 2, parallelMinValues: 1, readChunkSize: 8192 }).catch((e: unknown) => e);
    expect(inline).toMatchObject({ code: 'HEAPDIFF_SNAPSHOT_INCONSISTENT' });
    expect((parallel as Error).message).toBe((inline as Error).message);
  });

  it('names the same byte (the "]") for a section holding one value more than the header declares', async () => {
    const text = readFileSync(inflatedFixture(20), 'latin1');
    // A digit of the edges made a comma: one value too many (the header's count stays).
    const at = text.indexOf('"edges":[') + 5000;
    // (The middle digit of a number of three: a value that splits in two, never an empty one.)
    const digit = text.slice(at).search(/[0-9]{3}/) + at + 1;
    const file = join(tempDir(), 'extra-value.heapsnapshot');
    writeFileSync(file, `${text.slice(0, digit)},${text.slice(digit + 1)}`, 'latin1');
    const inline = await parseSnapshot(file, { workers: 0 }).catch((e: unknown) => e);
    expect(inline).toMatchObject({ code: 'HEAPDIFF_SNAPSHOT_INCONSISTENT' });
    for (const readChunkSize of [8192, 1_000_003]) {
      const parallel = await parseSnapshot(file, { workers: 2, parallelMinValues: 1, readChunkSize }).catch((e: unknown) => e);
      expect([(parallel as { offset?: number }).offset, (parallel as Error).message]).toEqual([(inline as { offset?: number }).offset, (inline as Error).message]);
    }
  });

  // A loaded graph packs an edge's type and name into one value (29 bits of name for V8's 7
  // edge types): bigger element indexes, as a sparse array's, are kept beside the array.
  it('keeps element indexes too big to pack exact, on workers and inline, wherever a job cuts a record', async () => {
    const nodes: BuilderNode[] = tinySnapshotNodes();
    const big = [2 ** 29 - 2, 2 ** 29 - 1, 2 ** 29, 2 ** 31 + 5, 2 ** 32 - 1];
    for (let i = 0; i < 400; i++) {
      nodes.push({
        type: 'array',
        name: 'Sparse',
        id: 1001 + 2 * i,
        selfSize: 32,
        edges: [
          { type: 'element', name: big[i % big.length]!, to: 2 },
          { type: 'property', name: `p${i % 3}`, to: 3 },
          { type: 'hidden', name: 2 ** 32 - 1 - i, to: 2 },
        ],
      });
    }
    const text = buildSnapshotText(nodes);
    const file = join(tempDir(), 'sparse.heapsnapshot');
    writeFileSync(file, text);
    const expected = referenceParse(text)!.edges;
    const inline = await parseSnapshot(file, { workers: 0 });
    expect(edgeRecords(inline)).toEqual(expected);
    for (const readChunkSize of [97, 1000, 4093]) {
      const parallel = await parseSnapshot(file, { workers: 2, parallelMinValues: 1, readChunkSize });
      expect(edgeRecords(parallel)).toEqual(expected);
      expectIdentical(parallel, inline);
    }
    const sparse = inline.firstEdge[nodes.length - 1]!;
    expect(inline.edgeName(sparse)).toBe(String(big[399 % big.length]));
  });

  it('keeps trace node ids and detachedness exact, on workers and inline, wherever a job cuts a record', async () => {
    // The builder's snapshot with seven node fields, as Node 20 and 22 write them, and side
    // fields that are not 0 here and there (the graph keeps them apart from its records).
    const nodes: BuilderNode[] = tinySnapshotNodes();
    for (let i = 0; i < 600; i++) nodes.push({ type: 'object', name: 'Thing', id: 3001 + 2 * i, selfSize: 24, edges: [{ type: 'property', name: 'next', to: 3 }] });
    const json = JSON.parse(buildSnapshotText(nodes)) as { snapshot: { meta: { node_fields: string[]; node_types: unknown[] } }; nodes: number[]; edges: number[] };
    json.snapshot.meta.node_fields = ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'];
    json.snapshot.meta.node_types.splice(5, 0, 'number');
    const seven: number[] = [];
    for (let n = 0; n < nodes.length; n++) {
      const [type, name, id, size, edgeCount] = json.nodes.slice(n * 6, n * 6 + 5) as [number, number, number, number, number];
      seven.push(type, name, id, size, edgeCount, n % 7 === 3 ? 1000 + n : 0, n % 11 === 5 ? 1 + (n % 2) : 0);
    }
    json.nodes = seven;
    for (let e = 2; e < json.edges.length; e += 3) json.edges[e] = (json.edges[e]! / 6) * 7;
    const text = JSON.stringify(json);
    const file = join(tempDir(), 'side-fields.heapsnapshot');
    writeFileSync(file, text);
    const inline = await parseSnapshot(file, { workers: 0 });
    expect(nodeRecords(inline)).toEqual(seven);
    expect(inline.layout.nodeFields).toEqual(['type', 'name', 'id', 'self_size']);
    expect(inline.traceNodeId(10)).toBe(1010);
    expect(inline.domStates?.[5]).toBe(2);
    for (const readChunkSize of [97, 1000, 4093]) {
      const parallel = await parseSnapshot(file, { workers: 2, parallelMinValues: 1, readChunkSize });
      expect(nodeRecords(parallel)).toEqual(seven);
      expectIdentical(parallel, inline);
    }
    // All 0: the graph keeps no side array.
    const plain = join(tempDir(), 'side-fields-zero.heapsnapshot');
    writeFileSync(plain, JSON.stringify({ ...json, nodes: seven.map((v, i) => (i % 7 >= 5 ? 0 : v)) }));
    for (const workers of [0, 2]) {
      const graph = await parseSnapshot(plain, { workers, parallelMinValues: 1, readChunkSize: 1000 });
      expect([graph.nodeTraceNodeIds, graph.nodeDetachedness]).toEqual([undefined, undefined]);
    }
  });

  it.each([
    ['a type past edge_types', 0, 9],
    ['a name past the strings', 1, 99_999],
    ['a to_node past the nodes', 2, 99_999_999],
    ['a to_node inside a node', 2, 1],
  ])('reports %s found by a worker as the inline parse does', async (_, field, value) => {
    const json = JSON.parse(buildSnapshotText(tinySnapshotNodes().concat(Array.from({ length: 300 }, (_, i): BuilderNode => ({
      type: 'object', name: 'Thing', id: 5001 + 2 * i, selfSize: 16, edges: [{ type: 'element', name: i, to: 3 }, { type: 'property', name: 'x', to: 2 }],
    }))))) as { edges: number[] };
    // A property edge well inside the section (fields: type, name_or_index, to_node).
    const edge = json.edges.findIndex((v, i) => i % 3 === 0 && i > 300 && v === 2) / 3;
    json.edges[edge * 3 + field] = value;
    const file = join(tempDir(), 'bad-edge.heapsnapshot');
    writeFileSync(file, JSON.stringify(json));
    const inline = await parseSnapshot(file, { workers: 0 }).catch((e: unknown) => e);
    expect(inline).toMatchObject({ code: 'HEAPDIFF_SNAPSHOT_INCONSISTENT', message: expect.stringContaining(`edge #${edge} `) });
    const withoutPlace = (error: unknown) => (error as Error).message.replace(/ \([^()]*byte offset \d+\)$/, '');
    for (const readChunkSize of [101, 4093]) {
      const parallel = await parseSnapshot(file, { workers: 2, parallelMinValues: 1, readChunkSize }).catch((e: unknown) => e);
      expect(parallel).toMatchObject({ code: 'HEAPDIFF_SNAPSHOT_INCONSISTENT' });
      // The place is where the value's chunk (inline) or job (workers) began: both before it.
      expect(withoutPlace(parallel)).toBe(withoutPlace(inline));
    }
  });
});
