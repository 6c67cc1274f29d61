import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TSX_ARGS } from '../helpers/run-cli.js';

const program = fileURLToPath(new URL('../fixtures/programs/runaway.ts', import.meta.url));

describe('memoryWatcher in a real process', () => {
  it('stops a runaway loop with a MemoryLimitError once RSS passes the limit', () => {
    const result = JSON.parse(execFileSync(process.execPath, [...TSX_ARGS, program], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(result.code).toBe('HEAPDIFF_MEMORY_LIMIT');
    expect(result.limit).toBe(result.expectedLimit);
    expect(result.rss).toBeGreaterThan(result.limit);
    // About 60 one-megabyte buffers fit under the limit; the loop stopped soon after.
    expect(result.items).toBeGreaterThan(20);
    expect(result.items).toBeLessThan(200);
  });
});
