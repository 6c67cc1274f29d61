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
  console.log('Running the demo program (a handler that keeps every Session in a Map)…');
  run([join(here, 'leaky-app.js'), snapshot], 'the demo program');
  console.log(`Heap snapshot written. Now: heapdiff summary --top 15\n`);
  run([join(here, '..', 'bin', 'heapdiff.js'), 'summary', snapshot, '--top', '15'], 'heapdiff summary');
  console.log('\n5,000 Session objects are alive: the handler never lets go of them.');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
