import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { HeapdiffError, parseSnapshot } from '@heapdiff/core';
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
});
