import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
import { CLI_SOURCE, TSX_ARGS } from '../helpers/run-cli.js';

const app = fileURLToPath(new URL('../../packages/cli/demo/leaky-app.js', import.meta.url));

describe('the quick-start demo', () => {
  it('finds the 5,000 leaked Sessions since the mark, each a leak root, held by the sessions Map', () => {
    const dir = tempDir();
    const output = execFileSync(process.execPath, [...TSX_ARGS, app, dir], { encoding: 'utf8' });
    const lines = output.split('\n');
    expect(lines[2]).toBe('class                 | # new | shallow size | retained size | leak roots');
    expect(lines[4]).toBe('Session               | 5,000 |    280.00 kB |     920.00 kB |      5,000');
    // Held by the module's top level, suspended at `await mark.diff()`.
    expect(output).toMatch(/Session: leaky-app\.js \(top level\) → context \(system \/ Context\) → sessions \(Map\) → table → \d+ → Session @\d+\n/);
    // The handler's short-lived objects are garbage, not new and alive.
    expect(output).not.toMatch(/^Object /m);
    // Its three snapshots: heapdiff leaks names the Session, held by the Map, growing by 1,000 a round.
    const leaks = spawnSync(process.execPath, [...TSX_ARGS, CLI_SOURCE, 'leaks', ...['s0', 's1', 's2'].map((s) => join(dir, `${s}.heapsnapshot`))], { encoding: 'utf8' });
    expect(leaks.status).toBe(1);
    const report = leaks.stdout.split('\n');
    expect(report[2]).toMatch(/^1\. Session ×2,000: retains [\d.]+ kB/);
    expect(report[3]).toBe('   live: 5,000 → 6,000 → 7,000   leaked per round: 1,000, 1,000');
    // The path reads from the module's top level (suspended at its await), not through Node's module loader.
    expect(report[4]).toMatch(/^ {3}path: leaky-app\.js \(top level\) → context \(system \/ Context\) → sessions \(Map\) → table → \d+ → Session @\d+$/);
    // The demo writes its snapshots in-process: heapdiff's capture (a PreparedSnapshot, held by
    // the context of the closure that takes the chunks) is not the program's, not even "bounded".
    expect(leaks.stdout).not.toMatch(/PreparedSnapshot|FileSink|SnapshotParser/);
  });
});
