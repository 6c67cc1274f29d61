import { readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/fixtures.js';
import { parseSnapshot } from '@heapdiff/core';
import { rssAbove } from '@heapdiff/core/runtime';
import { heapDump, heapDumpName, HeapDumpRefusedError } from '@heapdiff/core/runtime';
import { MemoryPressureManager } from '@heapdiff/core/runtime';
import type { MemoryReadings } from '@heapdiff/core/runtime';

import { MB } from '@heapdiff/core/runtime';
const readings = (extra: Partial<MemoryReadings> = {}): MemoryReadings => ({
  rss: 100 * MB,
  heapUsed: 50 * MB,
  heapLimit: 4000 * MB,
  limit: 8000 * MB,
  available: 4000 * MB,
  source: 'host',
  ...extra,
});
const event = (extra: Partial<MemoryReadings> = {}) => ({ level: 2, readings: readings(extra) });
const snapshotsIn = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.heapsnapshot')).sort();

describe('heapDump', () => {
  it('names a dump by time and pid, so names sort by time', () => {
    expect(heapDumpName(Date.UTC(2026, 10, 21, 13, 58, 1, 123), 4242)).toBe('heap-20261121T135801123Z-4242.heapsnapshot');
  });

  it('writes a snapshot heapdiff can open, keeps at most maxFiles, and never dumps within minInterval', async () => {
    const dir = join(tempDir('heapdiff-dump-'), 'dumps'); // created on demand
    let now = Date.UTC(2026, 10, 21, 12, 0, 0);
    const dump = heapDump({ dir, maxFiles: 2, minInterval: 1000, now: () => now });

    await dump(event());
    const first = snapshotsIn(dir)[0] ?? '';
    expect(first).toBe(heapDumpName(now));
    const graph = await parseSnapshot(join(dir, first));
    expect(graph.nodeCount).toBeGreaterThan(1000);

    now += 500;
    await expect(dump(event())).rejects.toThrow(/last one was 500 ms ago, under minInterval 1000 ms/);
    expect(snapshotsIn(dir)).toHaveLength(1);

    writeFileSync(join(dir, 'someone-elses.heapsnapshot'), '{}');
    now += 1000;
    await dump(event());
    now += 1000;
    await dump(event());
    // The oldest of ours went; the foreign file stayed.
    expect(snapshotsIn(dir)).toEqual([heapDumpName(now - 1000), heapDumpName(now), 'someone-elses.heapsnapshot'].sort());
  }, 60_000);

  it('refuses, writing nothing, when free disk is below the heap size', async () => {
    const dir = tempDir('heapdiff-dump-');
    const dump = heapDump({ dir, freeDisk: () => 10 * MB });
    const refusal = dump(event({ heapUsed: 50 * MB }));
    await expect(refusal).rejects.toBeInstanceOf(HeapDumpRefusedError);
    await expect(refusal).rejects.toThrow(`${dir} has 10.00 MB free, less than the 50.00 MB heap`);
    expect(snapshotsIn(dir)).toEqual([]);
  });

  it('refuses when free memory is below the heap size', async () => {
    const dir = tempDir('heapdiff-dump-');
    const dump = heapDump({ dir });
    await expect(dump(event({ heapUsed: 50 * MB, available: 20 * MB }))).rejects.toThrow(/20\.00 MB of memory available, less than the 50\.00 MB heap/);
    expect(snapshotsIn(dir)).toEqual([]);
  });

  it('a refusal reaches the manager\'s error event with its code, and the manager carries on', async () => {
    const dir = tempDir('heapdiff-dump-');
    let rss = 0;
    const manager = new MemoryPressureManager({
      levels: [rssAbove(100)],
      readMemory: () => readings({ rss, available: 0 }),
    }).dumpHeapOn(1, { dir });
    const errors: Error[] = [];
    manager.on('error', (error) => errors.push(error));
    rss = 200;
    await manager.check();
    expect(manager.level).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'HEAPDIFF_HEAP_DUMP_REFUSED', level: 1, kind: 'enter' });
  });

  it('rejects a maxFiles that is not a whole number >= 1', () => {
    expect(() => heapDump({ dir: tmpdir(), maxFiles: 0 })).toThrow(/maxFiles must be a whole number >= 1, got 0/);
  });
});
