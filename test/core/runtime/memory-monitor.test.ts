import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createMemoryMonitor, MemoryLimitError, MB } from '@heapdiff/core/runtime';

/** A stream that keeps what it is given; `isTTY` to pretend to be a terminal. */
function sink(isTTY = false) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as Writable & { isTTY?: boolean };
  if (isTTY) stream.isTTY = true;
  return { stream, text: () => chunks.join('') };
}

/** Readings replayed in order: RSS values (other fields derived). */
function readings(...rss: number[]) {
  let i = 0;
  return () => {
    const value = rss[Math.min(i++, rss.length - 1)]!;
    return { rss: value, heapTotal: 0, heapUsed: value / 2, external: 1000, arrayBuffers: 10 };
  };
}

describe('printMemory (a monitor of its own)', () => {
  it('prints a header, then RSS, delta and message; quiet when nothing moved', () => {
    const out = sink();
    const monitor = createMemoryMonitor({ out: out.stream, readMemory: readings(14_389_248, 14_393_344, 14_393_344, 14_385_152) });
    monitor.print('BEFORE');
    monitor.print('DURING BLOAT (1)');
    monitor.print('NOTHING MOVED');
    monitor.print('AFTER');
    expect(out.text()).toBe(
      [
        '           RSS             DELTA    MESSAGE',
        '    14,389,248                 0    BEFORE',
        '    14,393,344             4,096    DURING BLOAT (1)',
        '    14,385,152            -8,192    AFTER',
        '',
      ].join('\n'),
    );
  });

  it('prints unmoved lines when verbose, extra columns, and human units', () => {
    const out = sink();
    const monitor = createMemoryMonitor({ out: out.stream, verbose: true, human: true, columns: ['heapUsed'], readMemory: readings(2 * MB, 2 * MB) });
    monitor.print('a');
    monitor.print('b');
    expect(out.text()).toBe(
      ['       RSS         DELTA      HEAPUSED    MESSAGE', '   2.00 MB           0 B       1.00 MB    a', '   2.00 MB           0 B       1.00 MB    b', ''].join('\n'),
    );
  });

  it('colours growth red and shrinking green when colours are on', () => {
    const out = sink();
    const monitor = createMemoryMonitor({ out: out.stream, color: true, readMemory: readings(100, 200, 150) });
    monitor.print('x');
    monitor.print('up');
    monitor.print('down');
    const lines = out.text().split('\n');
    expect(lines[1]).toBe('           100                 0    x');
    expect(lines[2]).toBe('\x1b[31m           200               100    up\x1b[39m');
    expect(lines[3]).toBe('\x1b[32m           150               -50    down\x1b[39m');
  });

  it('colours by default only on a terminal, and follows NO_COLOR / FORCE_COLOR', () => {
    const saved = { NO_COLOR: process.env['NO_COLOR'], FORCE_COLOR: process.env['FORCE_COLOR'] };
    const run = (isTTY: boolean) => {
      const out = sink(isTTY);
      const monitor = createMemoryMonitor({ out: out.stream, readMemory: readings(1, 2) });
      monitor.print();
      monitor.print();
      return out.text().includes('\x1b[31m');
    };
    try {
      delete process.env['NO_COLOR'];
      delete process.env['FORCE_COLOR'];
      expect([run(false), run(true)]).toEqual([false, true]);
      process.env['NO_COLOR'] = '1';
      expect(run(true)).toBe(false);
      delete process.env['NO_COLOR'];
      process.env['FORCE_COLOR'] = '1';
      expect(run(false)).toBe(true);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});

describe('limits', () => {
  it('check() throws a MemoryLimitError with the numbers', () => {
    const monitor = createMemoryMonitor({ limit: 1000, readMemory: readings(999, 1001) });
    expect(() => monitor.check()).not.toThrow();
    let error: unknown;
    try {
      monitor.check();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MemoryLimitError);
    expect(error).toMatchObject({ code: 'HEAPDIFF_MEMORY_LIMIT', rss: 1001, limit: 1000 });
    expect((error as Error).message).toBe('resident memory is 1,001 bytes, past the limit of 1,000 bytes (limits are in bytes: for 1,000 MB write 1000 * MB)');
  });

  it('watch() checks before each item of sync and async loops', async () => {
    const seen: number[] = [];
    const sync = createMemoryMonitor({ limit: 100, readMemory: readings(10, 20, 30, 200) });
    expect(() => {
      for (const item of sync.watch([1, 2, 3, 4, 5])) seen.push(item);
    }).toThrow(MemoryLimitError);
    expect(seen).toEqual([1, 2, 3]);
    const async = createMemoryMonitor({ limit: 100, readMemory: readings(10, 200) });
    async function* items() {
      yield 'a';
      yield 'b';
      yield 'c';
    }
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const item of async.watch(items())) got.push(item);
      })(),
    ).rejects.toThrow(MemoryLimitError);
    expect(got).toEqual(['a']);
  });

  it('watch() in verbose mode prints the memory before each item', () => {
    const out = sink();
    const monitor = createMemoryMonitor({ out: out.stream, verbose: true, readMemory: readings(10, 10, 20, 20, 20, 20) });
    for (const _ of monitor.watch(['x', 'y', 'z']));
    expect(out.text().split('\n').filter((line) => /item \d$/.test(line)).map((line) => line.trim().split(/\s+/))).toEqual([
      ['10', '0', 'item', '0'],
      ['20', '10', 'item', '1'],
      ['20', '0', 'item', '2'],
    ]);
  });
});
