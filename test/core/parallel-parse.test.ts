import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSnapshot, type HeapGraph } from '@heapdiff/core';
import { inflatedFixture, tempDir } from '../helpers/fixtures.js';

const bytes = (a: Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function expectIdentical(a: HeapGraph, b: HeapGraph): void {
  expect(bytes(a.nodes).equals(bytes(b.nodes))).toBe(true);
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

  it('reports a count mismatch the same way', async () => {
    const text = readFileSync(inflatedFixture(26), 'latin1');
    const file = join(tempDir(), 'count.heapsnapshot');
    writeFileSync(file, text.replace(/"edge_count":(\d+)/, (_, n: string) => `"edge_count":${Number(n) + 1}`), 'latin1');
    const inline = await parseSnapshot(file, { workers: 0 }).catch((e: unknown) => e);
    const parallel = await parseSnapshot(file, { workers: 2, parallelMinValues: 1, readChunkSize: 8192 }).catch((e: unknown) => e);
    expect(inline).toMatchObject({ code: 'HEAPDIFF_SNAPSHOT_INCONSISTENT' });
    expect((parallel as Error).message).toBe((inline as Error).message);
  });
});
