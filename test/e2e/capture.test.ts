import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSnapshot, summarizeClasses, type HeapGraph } from '@heapdiff/core';
import { CaptureError, captureRemoteSnapshot, takeSnapshot, writeSnapshot } from '@heapdiff/core/capture';
import { tempDir } from '../helpers/fixtures.js';
import { TSX_ARGS } from '../helpers/run-cli.js';

class CaptureProbe {
  constructor(readonly index: number) {}
}
class CaptureGarbage {
  constructor(readonly index: number) {}
}

const countOf = (graph: HeapGraph, name: string) => summarizeClasses(graph).rows.find((r) => r.className === name)?.count ?? 0;

describe('in-process capture', () => {
  it('takes a snapshot of this heap, parsed as it streams, garbage collected first', async () => {
    const kept = Array.from({ length: 1234 }, (_, i) => new CaptureProbe(i));
    for (let i = 0; i < 500; i++) void new CaptureGarbage(i);
    const graph = await takeSnapshot();
    expect(countOf(graph, 'CaptureProbe')).toBe(1234);
    expect(countOf(graph, 'CaptureGarbage')).toBe(0);
    expect(kept.length).toBe(1234);
  });

  it('can write the file too, and writeSnapshot writes one heapdiff reads', async () => {
    const kept = Array.from({ length: 321 }, (_, i) => new CaptureProbe(i));
    const dir = tempDir();
    const graph = await takeSnapshot({ file: join(dir, 'also.heapsnapshot') });
    expect(countOf(await parseSnapshot(join(dir, 'also.heapsnapshot')), 'CaptureProbe')).toBe(countOf(graph, 'CaptureProbe'));
    const written = await writeSnapshot(join(dir, 'only.heapsnapshot'), { gc: false });
    expect(written.bytes).toBeGreaterThan(1_000_000);
    expect(countOf(await parseSnapshot(written.file), 'CaptureProbe')).toBeGreaterThanOrEqual(321);
    expect(kept.length).toBe(321);
  });

  it('a file that cannot be written: a CaptureError saying which, and the next snapshot is taken as usual', async () => {
    const file = join(tempDir(), 'missing-folder', 'x.heapsnapshot');
    const refused = { name: 'CaptureError', code: 'HEAPDIFF_CAPTURE', message: expect.stringContaining(`cannot write the snapshot to ${file}`) };
    await expect(writeSnapshot(file)).rejects.toMatchObject(refused);
    await expect(takeSnapshot({ file })).rejects.toBeInstanceOf(CaptureError);
    const kept = Array.from({ length: 7 }, (_, i) => new CaptureProbe(i));
    expect(countOf(await takeSnapshot(), 'CaptureProbe')).toBe(7);
    expect(kept.length).toBe(7);
  });

  it('keeps nothing it returned alive once the caller drops it (an inspector reply may come after the snapshot)', async () => {
    // Graphs earlier tests left to the runner, if any; this snapshot's graph is dropped at once.
    const before = countOf(await takeSnapshot(), 'HeapGraph');
    await writeSnapshot(join(tempDir(), 'dropped.heapsnapshot'));
    const graph = await takeSnapshot();
    // No more than before: the dropped graphs are gone (one an earlier test left may be gone too).
    expect(countOf(graph, 'HeapGraph')).toBeLessThanOrEqual(before);
  });

  it('remote capture: a bracketed IPv6 loopback is dialled bare, a missing host is a CaptureError', async () => {
    const file = join(tempDir(), 'remote.heapsnapshot');
    await expect(captureRemoteSnapshot({ host: '[::1]', port: 1 }, file)).rejects.toThrow('nothing listens on [::1]:1');
    await expect(captureRemoteSnapshot({ port: 1 } as never, file)).rejects.toBeInstanceOf(CaptureError);
  });

  it('keeps object ids stable between snapshots of one process', async () => {
    const probe = new CaptureProbe(-1);
    const first = await takeSnapshot();
    const second = await takeSnapshot();
    const idsOf = (graph: HeapGraph) => {
      const ids: number[] = [];
      for (let n = 0; n < graph.nodeCount; n++) if (graph.className(n) === 'CaptureProbe') ids.push(graph.nodeId(n));
      return ids.sort();
    };
    expect(idsOf(second)).toEqual(idsOf(first));
    expect(second.maxJsNodeId).toBeGreaterThanOrEqual(first.maxJsNodeId);
    void probe;
  });

  it('inside a worker thread, snapshots that thread\'s own heap', () => {
    const program = fileURLToPath(new URL('../fixtures/programs/capture-in-worker.ts', import.meta.url));
    const output = execFileSync(process.execPath, [...TSX_ARGS, program], { encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({ worker: { WorkerProbe: 77, MainProbe: 0 }, main: { WorkerProbe: 0, MainProbe: 55 }, kept: 55 });
  });
});
