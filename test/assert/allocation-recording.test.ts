// The quick verdict's allocation recording: every object made while recording is seen while it
// lives, strings included, and what heapdiff allocates to look is left out.
import { afterEach, describe, expect, it } from 'vitest';
import { post } from '../../packages/core/src/capture/inspector-session.js';
import {
  heapdiffRecordedAllocations,
  startRecordingAllocations,
  stopRecordingAllocations,
} from '../../packages/core/src/testing/allocation-recording.js';

class Kept {
  constructor(readonly id: number) {}
}

afterEach(async () => {
  await stopRecordingAllocations();
});

describe('recording allocations', () => {
  it('sees each kept object once, none of the garbage, and which of them died', async () => {
    expect(await startRecordingAllocations()).toBe(true);
    const first = await heapdiffRecordedAllocations();
    const kept: Kept[] = [];
    let garbage = 0;
    for (let i = 0; i < 500; i++) {
      kept.push(new Kept(i));
      garbage += new Array(8).fill(i).length;
    }
    const second = await heapdiffRecordedAllocations(first);
    // 500 objects and the growing array's backing store (the last one alive), plus what the
    // runner keeps meanwhile (vitest: a hundred or so). The 1,000 objects of the garbage arrays are gone.
    expect(second.born).toBeGreaterThanOrEqual(501);
    expect(second.born).toBeLessThan(1000);
    expect(second.bornBytes).toBeGreaterThanOrEqual(500 * 16);
    kept.length = 250;
    const third = await heapdiffRecordedAllocations(second);
    expect(third.died).toBeGreaterThanOrEqual(250);
    expect(third.born).toBeLessThan(400);
    expect(third.count).toBe(second.count + third.born - third.died);
    expect(kept.length + garbage).toBe(250 + 4000);
  });

  it('sees strings, which counting live objects does not', async () => {
    expect(await startRecordingAllocations()).toBe(true);
    const first = await heapdiffRecordedAllocations();
    const log: string[] = [];
    for (let i = 0; i < 100; i++) log.push(`line ${i} ${'x'.repeat(40 + (i % 7))}`);
    const second = await heapdiffRecordedAllocations(first);
    expect(second.born).toBeGreaterThanOrEqual(100);
    expect(log).toHaveLength(100);
  });

  it('refused while another recording samples at its own interval (--heap-prof, a debugger), which goes on', async () => {
    await post('HeapProfiler.startSampling', { samplingInterval: 512 * 1024 });
    try {
      expect(await startRecordingAllocations()).toBe(false);
      // Still the other one's: sampling every 512 kB, it has next to nothing of a small burst.
      const burst = Array.from({ length: 1000 }, (_, i) => ({ i }));
      const { profile } = await post<{ profile: { samples: unknown[] } }>('HeapProfiler.getSamplingProfile');
      expect(profile.samples.length).toBeLessThan(100);
      expect(burst).toHaveLength(1000);
    } finally {
      await post('HeapProfiler.stopSampling');
    }
  });
});
