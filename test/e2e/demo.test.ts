import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
import { TSX_ARGS } from '../helpers/run-cli.js';

const app = fileURLToPath(new URL('../../packages/cli/demo/leaky-app.js', import.meta.url));

describe('the quick-start demo', () => {
  it('finds the 5,000 leaked Sessions since the mark, each a leak root, held by the sessions Map', () => {
    const output = execFileSync(process.execPath, [...TSX_ARGS, app, join(tempDir(), 'demo.heapsnapshot')], { encoding: 'utf8' });
    const lines = output.split('\n');
    expect(lines[2]).toBe('class                 | # new | shallow size | retained size | leak roots');
    expect(lines[4]).toBe('Session               | 5,000 |    280.00 kB |     920.00 kB |      5,000');
    // Held by the module's top level, suspended at `await mark.diff()`.
    expect(output).toMatch(/Session: leaky-app\.js \(top level\) → context \(system \/ Context\) → sessions \(Map\) → table → \d+ → Session @\d+\n/);
    // The handler's short-lived objects are garbage, not new and alive.
    expect(output).not.toMatch(/^Object /m);
  });
});
