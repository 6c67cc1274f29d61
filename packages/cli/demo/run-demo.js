// `pnpm demo`: runs the leaky demo program (a relative heap since a mark, then three snapshots),
// and prints heapdiff's summary of the last snapshot and the leaks across the three. Needs the
// CLI built (the `demo` script builds it first, as `pnpm build` does).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'heapdiff-demo-'));
const snapshots = ['s0', 's1', 's2'].map((name) => join(dir, `${name}.heapsnapshot`));
const heapdiff = join(here, '..', 'bin', 'heapdiff.js');

function run(args, label, expected = 0) {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (result.status !== expected) {
    console.error(`demo: ${label} failed (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
}

console.log('Running the demo program: it marks a baseline, handles 5,000 requests with a handler');
console.log('that keeps every Session in a Map, and asks heapdiff what is new and still alive.\n');
run([join(here, 'leaky-app.js'), dir], 'the demo program');
console.log('\nThen it handled 1,000 more requests twice, with a snapshot before and after each round.');
console.log('The last snapshot\'s whole heap: heapdiff summary s2.heapsnapshot --top 8\n');
run([heapdiff, 'summary', snapshots[2], '--top', '8'], 'heapdiff summary');
console.log('\nWhat grows from one snapshot to the next: heapdiff leaks s0.heapsnapshot s1.heapsnapshot s2.heapsnapshot\n');
// heapdiff leaks exits 1 when it finds a leak, as this one must.
run([heapdiff, 'leaks', ...snapshots], 'heapdiff leaks', 1);
console.log(`\nThe snapshots stay in ${dir} to look at again (heapdiff ui, inspect, diff, leaks).`);
