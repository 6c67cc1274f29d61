import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { HeapdiffError, parseSnapshot } from '@heapdiff/core';
import { openByteSource } from '../../packages/core/src/parser/byte-source.js';
import { tempDir } from '../helpers/fixtures.js';

const openFiles = (): number => readdirSync('/proc/self/fd').length;

describe('reading input', () => {
  it.skipIf(process.platform !== 'linux')('closes the file when a parse fails midway (plain and gzip)', async () => {
    const dir = tempDir();
    const plain = join(dir, 'bad.heapsnapshot');
    writeFileSync(plain, `{"snapshot":{"meta":{}}, "nodes":[1,2,x]}${' '.repeat(1 << 16)}`);
    const gzip = join(dir, 'bad.heapsnapshot.gz');
    writeFileSync(gzip, gzipSync(Buffer.from(`not json at all${' '.repeat(1 << 16)}`)));
    const before = openFiles();
    for (let i = 0; i < 20; i++) {
      for (const file of [plain, gzip]) await expect(parseSnapshot(file, { readChunkSize: 1024 })).rejects.toBeInstanceOf(HeapdiffError);
    }
    expect(openFiles()).toBe(before);
  });

  it('reads a file whole and in order, one read ahead, whatever the chunk size, even when it grew after it was opened', async () => {
    const dir = tempDir();
    const file = join(dir, 'bytes.bin');
    const content = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff));
    const read = async (chunkSize: number, grow?: Buffer): Promise<Buffer> => {
      writeFileSync(file, content);
      const source = await openByteSource(file, { chunkSize });
      if (grow) appendFileSync(file, grow);
      const chunks: Uint8Array[] = [];
      // Copies: a chunk's buffer belongs to the reader once it is given.
      for await (const chunk of source.chunks) chunks.push(Uint8Array.from(chunk));
      expect(source.bytesRead()).toBe(content.length + (grow?.length ?? 0));
      return Buffer.concat(chunks);
    };
    for (const chunkSize of [1, 7, 1000, 2500, 10_000, 1 << 20]) expect((await read(chunkSize)).equals(content)).toBe(true);
    const extra = Buffer.alloc(100_000, 0x41);
    for (const chunkSize of [1000, 10_000, 1 << 20]) expect((await read(chunkSize, extra)).equals(Buffer.concat([content, extra]))).toBe(true);
  });

  it('with `recycle`, reads a plain file into two buffers in turn, every chunk whole when it is given; gzip input is never recycled', async () => {
    const dir = tempDir();
    const content = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 13 + (i >> 9)) & 0xff));
    const plain = join(dir, 'bytes.bin');
    writeFileSync(plain, content);
    const gzip = join(dir, 'bytes.bin.gz');
    writeFileSync(gzip, gzipSync(content, { level: 1 }));
    for (const file of [plain, gzip]) {
      const source = await openByteSource(file, { chunkSize: 10_000, recycle: true });
      const copies: Buffer[] = [];
      const buffers = new Set<ArrayBufferLike>();
      for await (const chunk of source.chunks) {
        // What the consumer reads of a chunk before asking for the next is the file's.
        copies.push(Buffer.from(chunk));
        buffers.add(chunk.buffer);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(Buffer.concat(copies).equals(content)).toBe(true);
      if (file === plain) expect(buffers.size).toBe(2);
    }
  });
});
