import { describe, expect, it } from 'vitest';
import { forceGc } from '@heapdiff/core/runtime';
import type { MemoryReadings } from '@heapdiff/core/runtime';

const readings: MemoryReadings = { rss: 0, heapUsed: 0, heapLimit: 0, limit: 0, available: 0, source: 'host' };

/** A WeakRef to a 1 MB array nothing else holds (made in its own function so no local keeps it). */
function unreachable(): WeakRef<number[]> {
  return new WeakRef(new Array(128 * 1024).fill(1));
}

describe('forceGc', () => {
  it('collects what nothing holds, without --expose-gc', async () => {
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe('undefined');
    const ref = unreachable();
    // Let the job that made the WeakRef end: until then V8 keeps its target alive on purpose.
    await new Promise((resolve) => setImmediate(resolve));
    await forceGc()({ level: 1, readings });
    expect(ref.deref()).toBeUndefined();
  });

  it('leaves alone what is still held', async () => {
    const held = new Array(1024).fill(2);
    const ref = new WeakRef(held);
    await new Promise((resolve) => setImmediate(resolve));
    await forceGc()({ level: 1, readings });
    expect(ref.deref()).toBe(held);
  });
});
