import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/fixtures.js';
import { CaptureError } from '@heapdiff/core';
import { heapDump, MB, MemoryPressureManager, rssAbove, type MemoryReadings } from '@heapdiff/core/runtime';

const readings: MemoryReadings = { rss: 150, heapUsed: 10 * MB, heapLimit: 4000 * MB, limit: 8000 * MB, available: 4000 * MB, source: 'host' };
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('MemoryPressureManager pacing', () => {
  it('skips timer ticks while a slow handler runs, instead of running them back to back after it', async () => {
    const reads: number[] = [];
    let handlerEnded = 0;
    const manager = new MemoryPressureManager({
      levels: [rssAbove(100)],
      interval: 10,
      readMemory: () => {
        reads.push(performance.now());
        return readings;
      },
    });
    manager.onEnter(1, async () => {
      await sleep(400);
      handlerEnded = performance.now();
    });
    const errors: unknown[] = [];
    manager.on('error', (error) => errors.push(error));
    manager.start();
    try {
      while (handlerEnded === 0) await sleep(20);
      await sleep(5);
    } finally {
      manager.stop();
    }
    expect(errors).toEqual([]);
    // Queued, the ~40 ticks of those 400 ms ran all at once when the handler ended; skipped, at
    // most the tick that found it just ended does.
    const burst = reads.filter((t) => t >= handlerEnded && t < handlerEnded + 5);
    expect(burst.length).toBeLessThanOrEqual(1);
    expect(reads.filter((t) => t < handlerEnded)).toHaveLength(1);
    const { checks, skipped } = manager.stats;
    expect(skipped).toBeGreaterThan(10); // about 40, fewer on a busy machine
    expect(checks).toBe(reads.length);
  });

  it('check() called while one runs waits for it and then looks once afresh, for all the callers', async () => {
    let reads = 0;
    const manager = new MemoryPressureManager({
      levels: [rssAbove(100)],
      readMemory: () => {
        reads++;
        return readings;
      },
    });
    manager.onEnter(1, () => sleep(50));
    const first = manager.check();
    const later = [manager.check(), manager.check(), manager.check()];
    await Promise.all([first, ...later]);
    expect(reads).toBe(2);
    expect(manager.stats).toEqual({ checks: 2, skipped: 0, errors: 0 });
    await manager.check();
    expect(reads).toBe(3);
  });
});

describe('heapDump: dump-directory failures are coded errors', () => {
  const event = { level: 1, readings };

  it('a dir that cannot be created is a CaptureError naming it, with the cause', async () => {
    const file = join(tempDir('heapdiff-dumpdir-'), 'a-file');
    writeFileSync(file, 'not a directory');
    const dir = join(file, 'dumps');
    const failure = heapDump({ dir })(event);
    await expect(failure).rejects.toBeInstanceOf(CaptureError);
    await expect(failure).rejects.toMatchObject({
      code: 'HEAPDIFF_CAPTURE',
      cause: expect.objectContaining({ code: 'ENOTDIR' }),
    });
    await expect(failure).rejects.toThrow(`heap dump: cannot create the dump directory ${dir}: ENOTDIR`);
  });

  it('a dir whose free space cannot be read is a CaptureError', async () => {
    const dir = tempDir('heapdiff-dumpdir-');
    const failure = heapDump({
      dir,
      freeDisk: () => {
        throw new Error('statfs: EIO');
      },
    })(event);
    await expect(failure).rejects.toMatchObject({ code: 'HEAPDIFF_CAPTURE', message: `heap dump: cannot read the free space of ${dir}: statfs: EIO` });
  });

  it('through the manager, the error event gets the CaptureError with its level and kind', async () => {
    const file = join(tempDir('heapdiff-dumpdir-'), 'a-file');
    writeFileSync(file, '');
    const manager = new MemoryPressureManager({ levels: [rssAbove(100)], readMemory: () => readings }).dumpHeapOn(1, { dir: join(file, 'dumps') });
    const errors: unknown[] = [];
    manager.on('error', (error) => errors.push(error));
    await manager.check();
    expect(errors).toEqual([expect.objectContaining({ code: 'HEAPDIFF_CAPTURE', level: 1, kind: 'enter' })]);
    expect(errors[0]).toBeInstanceOf(CaptureError);
  });
});
