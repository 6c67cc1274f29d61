import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSnapshot } from '@heapdiff/core';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
import { TSX_ARGS } from '../helpers/run-cli.js';

const program = fileURLToPath(new URL('../fixtures/programs/near-heap-limit.ts', import.meta.url));

describe('heapDump({ nearHeapLimit })', () => {
  it('arms V8\'s snapshot near the heap limit: a process that runs out of heap leaves one heapdiff can open', async () => {
    const cwd = tempDir('heapdiff-nhl-');
    const child = spawnSync(process.execPath, ['--max-old-space-size=32', ...TSX_ARGS, program], { cwd, encoding: 'utf8', timeout: 120_000 });
    expect(child.status === 0).toBe(false); // it died of the heap limit, as meant
    const dumps = readdirSync(cwd).filter((name) => /^Heap\..*\.heapsnapshot$/.test(name));
    expect(dumps).toHaveLength(1);
    const graph = await parseSnapshot(join(cwd, dumps[0] ?? ''));
    expect(graph.nodeCount).toBeGreaterThan(10_000);
  }, 150_000);
});
