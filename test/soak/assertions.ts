// Runs the leak-assertion suite (test/assert) many times in a row, as vitest runs it, and
// counts each test's failures: every leak kind must fail naming its class and every twin pass
// in every run.
//
//   pnpm soak:assertions [--runs 20]
//
// Prints one line per test that ever failed (with its first message), the totals, and exits 1
// on any flake.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const runs = Number(values.runs);
const root = fileURLToPath(new URL('../..', import.meta.url));
const vitestBin = join(root, 'node_modules/vitest/vitest.mjs');

interface Report {
  testResults: { assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
}

const failures = new Map<string, { count: number; first: string }>();
let tests = 0;
const scratch = mkdtempSync(join(tmpdir(), 'heapdiff-soak-assertions-'));
try {
  for (let run = 1; run <= runs; run++) {
    const out = join(scratch, `run-${run}.json`);
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of Object.keys(env)) if (name.startsWith('VITEST')) delete env[name];
    spawnSync(process.execPath, [vitestBin, 'run', 'test/assert', '--reporter=json', `--outputFile=${out}`], { cwd: root, env, stdio: 'ignore' });
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    let failed = 0;
    for (const result of report.testResults.flatMap((file) => file.assertionResults)) {
      tests++;
      if (result.status === 'passed') continue;
      failed++;
      const entry = failures.get(result.fullName) ?? { count: 0, first: result.failureMessages[0]?.split('\n')[0] ?? result.status };
      entry.count++;
      failures.set(result.fullName, entry);
    }
    process.stderr.write(`run ${run}/${runs}: ${failed} failed\n`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
for (const [name, { count, first }] of failures) console.log(`${count}/${runs} failed: ${name} — ${first}`);
const flakes = [...failures.values()].reduce((sum, f) => sum + f.count, 0);
console.log(`${runs} runs, ${tests} test runs, ${flakes} failures`);
process.exit(flakes === 0 ? 0 : 1);
