import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fit, LiveSession, sparkline } from '@heapdiff/cli/ui';
import { tempDir } from '../helpers/fixtures.js';

// The live side of heapdiff ui without the screen: the process it starts or joins.

const GRACEFUL = fileURLToPath(new URL('../fixtures/programs/ui/graceful.mjs', import.meta.url));
const options = { pid: undefined, port: undefined, inspect: undefined, allowRemote: false, trackAllocations: false };

describe('LiveSession', () => {
  it('stops the program it started and keeps what it says while stopping in app.log', async () => {
    const dir = join(tempDir(), 'live');
    const live = await LiveSession.start({ ...options, command: [process.execPath, GRACEFUL], dir });
    const data = await live.snapshot(() => {});
    expect(data.files).toEqual([join(dir, 's0.heapsnapshot')]);
    await live.close();
    const log = readFileSync(join(dir, 'app.log'), 'utf8');
    expect(log).toContain('started\n');
    expect(log).toContain('SIGTERM received: draining connections\n');
  }, 60_000);

  it('says why when the program dies before heapdiff can connect, pointing to app.log', async () => {
    const dir = join(tempDir(), 'live');
    const missing = join(dir, '..', 'no-such-app.js');
    await expect(LiveSession.start({ ...options, command: [process.execPath, missing], dir })).rejects.toThrow(
      new RegExp(`^the program exited \\(code 1\\) before heapdiff could connect: Error: Cannot find module '${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}'.*; its output is in ${join(dir, 'app.log').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`),
    );
  }, 60_000);

  it('tells when the program ends on its own', async () => {
    const dir = join(tempDir(), 'live');
    const live = await LiveSession.start({ ...options, command: [process.execPath, GRACEFUL, '3'], dir });
    const why = await new Promise<string>((resolve) => live.onEnd(resolve));
    expect(why).toBe(`the program exited (code 3): started; its output is in ${join(dir, 'app.log')}`);
    await live.close();
  }, 60_000);

  it('makes no directory when it cannot join the process', async () => {
    const dir = join(tempDir(), 'live');
    await expect(LiveSession.start({ ...options, command: [], inspect: '127.0.0.1:1', dir })).rejects.toThrow(/127\.0\.0\.1:1/);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('LiveSession refusals', () => {
  it('a directory another session writes into: the second snapshot of the same name is refused', async () => {
    const dir = join(tempDir(), 'shared');
    const first = await LiveSession.start({ ...options, command: [process.execPath, GRACEFUL], dir });
    const second = await LiveSession.start({ ...options, command: [process.execPath, GRACEFUL], dir });
    try {
      await first.snapshot(() => {});
      await expect(second.snapshot(() => {})).rejects.toThrow(
        `${join(dir, 's0.heapsnapshot')} already exists: another heapdiff is writing snapshots into ${dir}; give each session a directory of its own (--dir)`,
      );
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  }, 60_000);

  it('a directory it cannot write into, in one line', async () => {
    await expect(LiveSession.start({ ...options, command: [process.execPath, GRACEFUL], dir: '/proc/heapdiff-cannot-be-here' })).rejects.toThrow(
      /^cannot write into the directory \/proc\/heapdiff-cannot-be-here: .*; name one you can write to \(--dir\)$/,
    );
  });
});

describe('cells', () => {
  it('fit counts terminal columns: wide characters take two', () => {
    expect(fit('注文キャッシュ', 8)).toBe('注文キ… ');
    expect(fit('注文', 6)).toBe('注文  ');
    expect(fit('Session', 4)).toBe('Ses…');
    expect(fit('42', 5, 'right')).toBe('   42');
    expect(fit('👍👍👍', 5)).toBe('👍👍…');
  });

  it('sparkline scales from the lowest to the highest', () => {
    expect(sparkline([1, 5, 9])).toBe('▁▅█');
    expect(sparkline([3, 3])).toBe('▁▁');
  });
});
