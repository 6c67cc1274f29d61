import { describe, expect, it } from 'vitest';
import { AbortedError, parseSnapshot, type ParseProgress } from '@heapdiff/core';
import { fixturePath, inflatedFixture } from '../helpers/fixtures.js';

describe('progress and cancellation', () => {
  it('reports parse progress up to the file size, then index and done', async () => {
    const file = inflatedFixture(24);
    const seen: ParseProgress[] = [];
    await parseSnapshot(file, { onProgress: (p) => seen.push(p), readChunkSize: 256 * 1024 });
    const parse = seen.filter((p) => p.phase === 'parse');
    expect(parse.length).toBeGreaterThan(5);
    const total = parse[0]!.totalBytes!;
    expect(parse.map((p) => p.bytesRead)).toEqual([...parse.map((p) => p.bytesRead)].sort((a, b) => a - b));
    expect(parse.at(-1)!.bytesRead).toBe(total);
    expect(seen.slice(-2).map((p) => p.phase)).toEqual(['index', 'done']);
  });

  it('reports compressed bytes for gzip input', async () => {
    const seen: ParseProgress[] = [];
    await parseSnapshot(fixturePath(24), { onProgress: (p) => seen.push(p) });
    const last = seen.filter((p) => p.phase === 'parse').at(-1)!;
    expect(last.bytesRead).toBe(last.totalBytes);
  });

  it('stops with an AbortedError when the signal fires mid-parse', async () => {
    const controller = new AbortController();
    let chunks = 0;
    const parse = parseSnapshot(inflatedFixture(22), {
      readChunkSize: 64 * 1024,
      signal: controller.signal,
      onProgress: () => {
        if (++chunks === 3) controller.abort(new Error('user pressed q'));
      },
    });
    await expect(parse).rejects.toBeInstanceOf(AbortedError);
    await expect(parse).rejects.toMatchObject({ code: 'HEAPDIFF_ABORTED' });
  });

  it('refuses to start with a signal that already fired', async () => {
    await expect(parseSnapshot(inflatedFixture(22), { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedError);
  });
});
