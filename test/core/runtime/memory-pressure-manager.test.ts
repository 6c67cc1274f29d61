import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/fixtures.js';
import { all, any, availableBelow, custom, not, rssAbove, rssAboveFraction } from '@heapdiff/core/runtime';
import { MemoryPressureManager } from '@heapdiff/core/runtime';
import { readMemoryReadings, type MemoryReadings } from '@heapdiff/core/runtime';

const readingsOf = (rss: number, extra: Partial<MemoryReadings> = {}): MemoryReadings => ({
  rss,
  heapUsed: rss / 2,
  heapLimit: 4000,
  limit: 1000,
  available: 1000 - rss,
  source: 'host',
  ...extra,
});

/** A manager fed by a settable reading and clock, recording what fires. */
function harness(levels = [rssAbove(100), rssAbove(200), rssAbove(300)], remainInterval = 1000) {
  let rss = 0;
  let now = 0;
  const log: string[] = [];
  const manager = new MemoryPressureManager({ levels, remainInterval, readMemory: () => readingsOf(rss), now: () => now });
  for (let k = 1; k <= levels.length; k++) {
    manager.onEnter(k, ({ level }) => void log.push(`enter ${level}`));
    manager.onLeave(k, ({ level }) => void log.push(`leave ${level}`));
    manager.onRemain(k, ({ level }) => void log.push(`remain ${level}`));
  }
  return {
    manager,
    log,
    set: (value: number) => (rss = value),
    tick: (ms: number) => (now += ms),
  };
}

describe('MemoryPressureManager', () => {
  it('fires every level on the way up in order, and the leaves in reverse on the way down', async () => {
    const h = harness();
    h.set(350);
    await h.manager.check();
    expect(h.manager.level).toBe(3);
    h.set(150);
    await h.manager.check();
    expect(h.manager.level).toBe(1);
    h.set(0);
    await h.manager.check();
    expect(h.log).toEqual(['enter 1', 'enter 2', 'enter 3', 'leave 3', 'leave 2', 'leave 1']);
  });

  it('lets several managers coexist, each with its own levels and handlers', async () => {
    const low = harness([rssAbove(100)]);
    const high = harness([rssAbove(300)]);
    low.set(200);
    high.set(200);
    await Promise.all([low.manager.check(), high.manager.check()]);
    expect([low.manager.level, high.manager.level]).toEqual([1, 0]);
    expect([low.log, high.log]).toEqual([['enter 1'], []]);
  });

  it('throttles "remain" to once per interval', async () => {
    const h = harness();
    h.set(250);
    await h.manager.check();
    // Checks at 400, 800, …, 2400 ms: "remain" at 1200 and 2400 only.
    for (let i = 0; i < 6; i++) {
      h.tick(400);
      await h.manager.check();
    }
    expect(h.log).toEqual(['enter 1', 'enter 2', 'remain 2', 'remain 2']);
  });

  it('reports a handler that throws as an error event and goes on; async handlers are awaited in order', async () => {
    const log: string[] = [];
    const manager = new MemoryPressureManager({ levels: [rssAbove(10), rssAbove(20)], readMemory: () => readingsOf(30) });
    manager.onEnter(1, async () => {
      await new Promise((r) => setTimeout(r, 20));
      log.push('slow 1');
    });
    manager.onEnter(1, () => {
      throw new Error('boom');
    });
    manager.onEnter(2, () => void log.push('enter 2'));
    const errors: unknown[] = [];
    manager.on('error', (error) => errors.push(error));
    await manager.check();
    expect(log).toEqual(['slow 1', 'enter 2']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ message: 'boom', level: 1, kind: 'enter' });
    // Without a listener the error is kept (and warned about once), not thrown.
    const quiet = new MemoryPressureManager({ levels: [rssAbove(10)], readMemory: () => readingsOf(30) });
    quiet.onEnter(1, () => {
      throw new Error('quiet boom');
    });
    await expect(quiet.check()).resolves.toBeUndefined();
    expect(quiet.lastError?.message).toBe('quiet boom');
  });

  it('combines conditions with all, any and not', () => {
    const r = readingsOf(300);
    expect(all(rssAbove(100), availableBelow(800))(r)).toBe(true);
    expect(all(rssAbove(100), availableBelow(500))(r)).toBe(false);
    expect(any(rssAbove(900), rssAboveFraction(0.2))(r)).toBe(true);
    expect(not(rssAbove(100))(r)).toBe(false);
    expect(custom('odd rss', (x) => x.rss % 2 === 1)(r)).toBe(false);
    expect(all(rssAbove(1), not(rssAbove(500))).description).toBe('all(rss > 1 B, not(rss > 500 B))');
  });

  it('never keeps the process alive, and stops', () => {
    const manager = new MemoryPressureManager({ levels: [rssAbove(1)], interval: 10 }).start();
    manager.stop();
    expect(manager.level).toBe(0);
  });
});

describe('readMemoryReadings, container aware', () => {
  const fakeRoot = (files: Record<string, string>) => {
    const root = tempDir('heapdiff-cgroup-');
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    return root;
  };

  it('reads cgroup v2 first', () => {
    const r = readMemoryReadings(fakeRoot({ 'sys/fs/cgroup/memory.max': '536870912\n', 'sys/fs/cgroup/memory.current': '134217728\n' }));
    expect(r).toMatchObject({ source: 'cgroup2', limit: 536_870_912, available: 402_653_184 });
  });

  it('treats cgroup v2 "max" as no limit, then reads cgroup v1', () => {
    const r = readMemoryReadings(
      fakeRoot({
        'sys/fs/cgroup/memory.max': 'max\n',
        'sys/fs/cgroup/memory.current': '1\n',
        'sys/fs/cgroup/memory/memory.limit_in_bytes': '268435456\n',
        'sys/fs/cgroup/memory/memory.usage_in_bytes': '68435456\n',
      }),
    );
    expect(r).toMatchObject({ source: 'cgroup1', limit: 268_435_456, available: 200_000_000 });
  });

  it('falls back to the host (or Node\'s constrained memory) without cgroups', () => {
    const r = readMemoryReadings(fakeRoot({}));
    expect(['host', 'constrained']).toContain(r.source);
    expect(r.limit).toBeGreaterThan(0);
    expect(r.rss).toBeGreaterThan(0);
  });
});
