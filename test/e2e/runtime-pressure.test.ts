import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TSX_ARGS } from '../helpers/run-cli.js';

const program = fileURLToPath(new URL('../fixtures/programs/pressure.ts', import.meta.url));

describe('MemoryPressureManager in a real process', () => {
  it('fires level 1 as RSS passes it, the handler frees the memory, and the level is left', () => {
    const result = JSON.parse(execFileSync(process.execPath, [...TSX_ARGS, program], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }));
    expect(result.events).toEqual(['enter 1', 'leave 1']);
    expect(result.rssAtEnter).toBeGreaterThan(result.threshold);
    // About 80 one-megabyte arrays fit under the threshold; the manager noticed soon after.
    expect(result.allocatedAtEnter).toBeGreaterThan(40);
    expect(result.allocatedAtEnter).toBeLessThan(300);
    expect(result.rssAtLeave).toBeLessThanOrEqual(result.threshold);
    expect(result.level).toBe(0);
  });
});
