import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tempDir } from './fixtures.js';

const WRITE_SERIES = fileURLToPath(new URL('../fixtures/programs/leaks/write-series.mjs', import.meta.url));

export interface SeriesOptions {
  snapshots?: number;
  iterations?: number;
  warmup?: number;
  /** The Node binary to run the scenario with (default: this one). */
  node?: string;
}

/**
 * Runs a leak scenario (test/fixtures/programs/leaks/scenarios.mjs) in a real Node process and
 * returns the snapshot files it wrote: the first after the warm-up, one after each round.
 */
export function writeSeries(scenario: string, options: SeriesOptions = {}): string[] {
  const args = [
    // Optimising compiles on the main thread: a background one still running at a snapshot
    // holds the closure's constants through a handle scope, which then is the shortest
    // retainer path of a leak (seen on a loaded machine: `(Handle scope) → Map`, not `cache → Map`).
    '--no-concurrent-recompilation',
    WRITE_SERIES,
    scenario,
    tempDir(`heapdiff-${scenario}-`),
    '--snapshots',
    String(options.snapshots ?? 3),
    '--iterations',
    String(options.iterations ?? 300),
    '--warmup',
    String(options.warmup ?? 1000),
  ];
  const out = execFileSync(options.node ?? process.execPath, args, { encoding: 'utf8' });
  return out.trim().split('\n');
}
