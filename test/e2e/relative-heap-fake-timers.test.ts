import { afterEach, describe, expect, it, vi } from 'vitest';
import { markHeap } from '@heapdiff/core/capture';

// A test that fakes timers (vitest's, sinon's) must still be able to mark and diff: heapdiff
// waits on Node's own timers, taken when it loads.
class Kept {
  constructor(readonly index: number) {}
}

describe('markHeap and diff under fake timers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('installed before the mark: the mark (with its settle wait) and the diff both settle', async () => {
    vi.useFakeTimers();
    const mark = await markHeap();
    const kept = Array.from({ length: 100 }, (_, i) => new Kept(i));
    const { groups } = await mark.diff();
    expect(groups.find((g) => g.className === 'Kept')?.count).toBe(kept.length);
  });

  it('installed between the mark and the diff: the diff settles', async () => {
    const mark = await markHeap({ settle: 0 });
    vi.useFakeTimers({ toFake: ['setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask'] });
    const kept = Array.from({ length: 50 }, (_, i) => new Kept(i));
    const { groups } = await mark.diff();
    expect(groups.find((g) => g.className === 'Kept')?.count).toBe(kept.length);
  });
});
