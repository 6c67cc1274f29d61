// `pnpm demo`: runs the leaky demo program, snapshots its heap, and prints heapdiff's
// summary of it. Needs the CLI built (the `demo` script runs `tsc -b` first).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'heapdiff-demo-'));
const snapshot = join(dir, 'leaky-app.heapsnapshot');

function run(args, label) {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`demo: ${label} failed (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
}

try {
  console.log('Running the demo program: it marks a baseline, handles 5,000 requests with a handler');
  console.log('that keeps every Session in a Map, and asks heapdiff what is new and still alive.\n');
  run([join(here, 'leaky-app.js'), snapshot], 'the demo program');
  console.log(`\nIt also wrote a heap snapshot. The whole heap: heapdiff summary --top 10\n`);
  run([join(here, '..', 'bin', 'heapdiff.js'), 'summary', snapshot, '--top', '10'], 'heapdiff summary');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
