import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { custom, MemoryPressureManager, PressureHandlerError, rssAbove, type MemoryReadings } from '@heapdiff/core/runtime';
import { TSX_ARGS } from '../../helpers/run-cli.js';

const readingsOf = (rss: number): MemoryReadings => ({ rss, heapUsed: rss / 2, heapLimit: 4000, limit: 1000, available: 1000 - rss, source: 'host' });

/** A manager over rssAbove(100), rssAbove(200), fed by a settable RSS, with every failure it reports. */
function harness(levels = [rssAbove(100), rssAbove(200)]) {
  let rss = 0;
  const manager = new MemoryPressureManager({ levels, remainInterval: 0, readMemory: () => readingsOf(rss) });
  const errors: (Error & { level?: number; kind?: string; cause?: unknown })[] = [];
  manager.on('error', (error) => errors.push(error));
  return { manager, errors, set: (value: number) => (rss = value) };
}

/** The warnings the process emits while `run` runs (they are dispatched on the next tick). */
async function warningsDuring(run: () => Promise<void>): Promise<Error[]> {
  const warnings: Error[] = [];
  const keep = (warning: Error) => warnings.push(warning);
  process.on('warning', keep);
  try {
    await run();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', keep);
  }
  return warnings.filter((w) => w.name === 'MemoryPressureWarning');
}

describe('MemoryPressureManager: a failure never stops it', () => {
  it('a condition that throws is an error event; that check moves nothing, and the next checks still run', async () => {
    let broken = true;
    const h = harness([rssAbove(100), custom('flaky', (r) => {
      if (broken) throw new Error('cgroup file vanished');
      return r.rss > 200;
    })]);
    const log: string[] = [];
    h.manager.onEnter(1, () => void log.push('enter 1'));
    h.set(150);
    await expect(h.manager.check()).resolves.toBeUndefined();
    expect(h.manager.level).toBe(0); // nothing trusted, nothing moved
    expect(h.errors).toHaveLength(1);
    expect(h.errors[0]).toMatchObject({ message: 'cgroup file vanished', level: 2, kind: 'check' });
    broken = false;
    await h.manager.check();
    expect(h.manager.level).toBe(1);
    expect(log).toEqual(['enter 1']);
    expect(h.manager.stats).toEqual({ checks: 2, skipped: 0, errors: 1 });
  });

  it('an async "enter" listener that rejects is an error event too, not an unhandled rejection', async () => {
    const h = harness([rssAbove(100)]);
    h.manager.on('enter', async () => {
      throw new Error('async listener failed');
    });
    h.set(150);
    await h.manager.check();
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.manager.level).toBe(1);
    expect(h.errors).toEqual([expect.objectContaining({ message: 'async listener failed', level: 1, kind: 'enter' })]);
  });

  it('readMemory that throws is an error event too', async () => {
    const manager = new MemoryPressureManager({ levels: [rssAbove(1)], readMemory: () => { throw new Error('no /proc'); } });
    const errors: unknown[] = [];
    manager.on('error', (error) => errors.push(error));
    await manager.check();
    await manager.check();
    expect(errors).toEqual([expect.objectContaining({ message: 'no /proc', kind: 'check', level: 0 }), expect.objectContaining({ message: 'no /proc' })]);
  });

  it('an "enter" listener that throws is reported, and every level\'s handlers still run: the level matches them', async () => {
    const h = harness();
    const log: string[] = [];
    h.manager.onEnter(1, () => void log.push('enter 1'));
    h.manager.onEnter(2, () => void log.push('enter 2'));
    h.manager.on('enter', ({ level }: { level: number }) => {
      if (level === 1) throw new Error('listener broke');
    });
    h.set(250);
    await h.manager.check();
    expect(log).toEqual(['enter 1', 'enter 2']);
    expect(h.manager.level).toBe(2);
    expect(h.errors).toEqual([expect.objectContaining({ message: 'listener broke', level: 1, kind: 'enter' })]);
  });

  it('a "leave" listener that throws does not stop the way down', async () => {
    const h = harness();
    const log: string[] = [];
    h.manager.onLeave(1, () => void log.push('leave 1'));
    h.manager.onLeave(2, () => void log.push('leave 2'));
    h.set(250);
    await h.manager.check();
    h.manager.on('leave', () => {
      throw new Error('leave listener broke');
    });
    h.set(0);
    await h.manager.check();
    expect(log).toEqual(['leave 2', 'leave 1']);
    expect(h.manager.level).toBe(0);
    expect(h.errors.map((e) => [e.kind, e.level])).toEqual([['leave', 2], ['leave', 1]]);
  });

  it('the level moves one step at a time: a handler sees the level it belongs to', async () => {
    const h = harness();
    const seen: string[] = [];
    for (const level of [1, 2]) {
      h.manager.onEnter(level, () => void seen.push(`enter ${level} at ${h.manager.level}`));
      h.manager.onLeave(level, () => void seen.push(`leave ${level} at ${h.manager.level}`));
    }
    h.set(250);
    await h.manager.check();
    h.set(0);
    await h.manager.check();
    expect(seen).toEqual(['enter 1 at 1', 'enter 2 at 2', 'leave 2 at 1', 'leave 1 at 0']);
  });

  it('a frozen Error, or a thrown non-Error, arrives as a PressureHandlerError carrying it as cause', async () => {
    const h = harness([rssAbove(100)]);
    const frozen = Object.freeze(new Error('frozen'));
    const bare = Object.create(null) as object; // cannot even be turned into a string
    const log: string[] = [];
    h.manager.onEnter(1, () => {
      throw frozen;
    });
    h.manager.onEnter(1, () => {
      throw bare;
    });
    h.manager.onEnter(1, () => Promise.reject('a string'));
    h.manager.onEnter(1, () => void log.push('last handler ran'));
    h.set(150);
    await h.manager.check();
    expect(log).toEqual(['last handler ran']);
    expect(h.errors.map((e) => [e.constructor, e.cause, e.level, e.kind])).toEqual([
      [PressureHandlerError, frozen, 1, 'enter'],
      [PressureHandlerError, bare, 1, 'enter'],
      [PressureHandlerError, 'a string', 1, 'enter'],
    ]);
    expect(h.errors.map((e) => e.message)).toEqual([
      'the enter handler of level 1 threw Error: frozen',
      'the enter handler of level 1 threw an unprintable value',
      'the enter handler of level 1 threw "a string"',
    ]);
    expect(h.errors[0]).toMatchObject({ code: 'HEAPDIFF_PRESSURE_HANDLER' });
    expect(h.manager.lastError).toBe(h.errors[2]);
  });

  it('a handler factory passed uncalled (forceGc for forceGc()) is reported, not silently ignored', async () => {
    const h = harness([rssAbove(100)]);
    const factory = () => () => undefined;
    h.manager.onEnter(1, factory as never);
    h.set(150);
    await h.manager.check();
    expect(h.errors).toHaveLength(1);
    expect(h.errors[0]).toBeInstanceOf(PressureHandlerError);
    expect(h.errors[0]?.message).toMatch(/returned a function instead of acting: .*forceGc\(\)/);
  });
});

describe('MemoryPressureManager without an error listener', () => {
  it('warns once per kind, level and error (MemoryPressureWarning), keeps lastError, and goes on', async () => {
    const manager = new MemoryPressureManager({ levels: [rssAbove(100)], remainInterval: 0, readMemory: () => readingsOf(150) });
    let calls = 0;
    manager.onEnter(1, () => {
      throw new Error('cache.clear broke');
    });
    manager.onRemain(1, () => void calls++);
    const warnings = await warningsDuring(async () => {
      await manager.check();
      await manager.check();
      await manager.check();
    });
    expect(warnings.map((w) => w.message)).toEqual([
      "MemoryPressureManager: the enter handler of level 1 threw Error: cache.clear broke; add an 'error' listener to the manager to handle such failures (warned once, the manager goes on)",
    ]);
    expect(manager.lastError?.message).toBe('cache.clear broke');
    expect(calls).toBe(2);
  });

  it('an error listener that throws becomes a warning too; the manager goes on', async () => {
    const manager = new MemoryPressureManager({ levels: [custom('broken', () => { throw new TypeError('bad reading'); })] });
    manager.on('error', () => {
      throw new Error('logger is down');
    });
    const warnings = await warningsDuring(async () => {
      await manager.check();
      await manager.check();
    });
    expect(warnings.map((w) => w.message)).toEqual([
      "MemoryPressureManager: the condition of level 1 (broken) threw TypeError: bad reading; and the 'error' listener threw Error: logger is down (warned once, the manager goes on)",
    ]);
    expect(manager.stats.errors).toBe(2);
  });
});

describe('MemoryPressureManager under start(), in a real process', () => {
  const program = fileURLToPath(new URL('./fixtures/failing-pressure.ts', import.meta.url));
  const run = (...args: string[]) => spawnSync(process.execPath, [...TSX_ARGS, program, ...args], { encoding: 'utf8', timeout: 30_000 });

  it('with error listeners: every failure reaches them, the process lives, checks go on', () => {
    const child = run('listen');
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const result = JSON.parse(child.stdout);
    // 400 ms at 10 ms: many checks (fewer on a busy machine), each one failing.
    expect(result.broken.checks).toBeGreaterThan(3);
    expect(result.broken.errors).toBe(result.broken.checks);
    expect(result.broken.level).toBe(0);
    expect(result.entering).toMatchObject({ level: 1, errors: 2 });
    expect(result.events).toEqual([
      'broken: check condition broke',
      'entering: enter listener broke',
      'entering: enter the enter handler of level 1 threw Error: frozen',
      'second enter handler ran',
    ]);
  });

  it('without: each failure is warned once on stderr, and the process still lives', () => {
    const child = run();
    expect(child.status).toBe(0);
    const warnings = child.stderr.split('\n').filter((line) => line.includes('MemoryPressureWarning'));
    expect(warnings.map((line) => line.replace(/^\(node:\d+\) /, ''))).toEqual([
      "MemoryPressureWarning: MemoryPressureManager: the condition of level 2 (broken) threw Error: condition broke; add an 'error' listener to the manager to handle such failures (warned once, the manager goes on)",
      "MemoryPressureWarning: MemoryPressureManager: the 'enter' listener of level 1 threw Error: listener broke; add an 'error' listener to the manager to handle such failures (warned once, the manager goes on)",
      "[HEAPDIFF_PRESSURE_HANDLER] MemoryPressureWarning: MemoryPressureManager: the enter handler of level 1 threw Error: frozen; add an 'error' listener to the manager to handle such failures (warned once, the manager goes on)",
    ]);
    expect(JSON.parse(child.stdout).broken.checks).toBeGreaterThan(3);
  });
});

describe('heapDump under a virtual file system', () => {
  it('a dump directory under /proc is a CaptureError at once, not a hang in mkdir', async () => {
    const { heapDump } = await import('@heapdiff/core/runtime');
    const dump = heapDump({ dir: '/proc/heapdiff-x/y' });
    const started = Date.now();
    await expect(dump({ level: 1, readings: {} as MemoryReadings })).rejects.toMatchObject({ code: 'HEAPDIFF_CAPTURE', message: expect.stringMatching(/^heap dump: cannot create the dump directory \/proc\/heapdiff-x\/y: /) });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
