import { spawn } from 'node:child_process';

export interface ProgramRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

export interface RunProgramOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /**
   * Run the program again, up to four times, when it dies (a signal, or a non-zero exit): for
   * programs that record allocations, where Node 22's V8 crashes under the load of the whole
   * suite — SIGSEGV in HeapSnapshotJSONSerializer::SerializeTraceNode (a null child in the
   * allocation-trace tree it is serialising) during stopTrackingHeapObjects, with an empty
   * stderr: 2 and 7 of the 26 such runs in two suite runs, none in 320 runs of the same
   * programs alone nor in runs of their test file beside three busy loops. A program died
   * three times in a row once, so the retries wait a little longer each time. Every ending is
   * logged. Wrong output is never retried — only a program that did not finish.
   */
  retryCrashes?: boolean;
  /** The exit code that means the program ran as it should (a test runner with failing tests: 1). Default 0. */
  expectedExit?: number;
}

/** How a run ended, for a failure message: exit code or signal, time, and the end of its stderr. */
export function describeEnding(label: string, run: ProgramRun): string {
  const how = run.timedOut ? `timed out after ${run.ms} ms` : run.signal ? `was killed by ${run.signal} after ${run.ms} ms` : `exited with ${run.status} after ${run.ms} ms`;
  const tail = run.stderr.trim() ? run.stderr.split('\n').slice(-25).join('\n') : '(empty)';
  // How far it got: a crash at exit and one mid-way look the same otherwise.
  const lines = run.stdout.trim() ? run.stdout.trim().split('\n') : [];
  const got = lines.length === 0 ? 'no stdout' : `${lines.length} line(s) of stdout, the last: ${lines.at(-1)!.slice(0, 200)}`;
  return `${label} ${how} (${got}); its stderr ends:\n${tail}`;
}

function runOnce(command: string, args: readonly string[], options: RunProgramOptions): Promise<ProgramRun> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, ms: Date.now() - started, timedOut });
    });
  });
}

/**
 * How many times a crashed program is run again (`retryCrashes`): once, for a rare crash of
 * V8's own. More would hide a regression that makes V8 crash often, as four did until 8aacf9f
 * (a parse run while V8 wrote its allocation trace tree crashed half the runs on Node 22).
 */
const CRASH_RETRIES = 1;
/** The pause before retry `retry` (1, 2, …): longer each time, for the load to pass. */
const pauseBefore = (retry: number): number => 2000 * retry;
/** A test timeout that fits a program run with its retries, each up to `perRunMs` (loaded CI: 15 s). */
export function withCrashRetries(perRunMs = 20_000): number {
  let total = perRunMs;
  for (let retry = 1; retry <= CRASH_RETRIES; retry++) total += pauseBefore(retry) + perRunMs;
  return total;
}

/**
 * Runs a Node program to its end and returns its stdout; throws with how it ended (exit code
 * or signal, time, stderr) when it does not exit 0 (or `expectedExit`).
 */
export async function runProgram(label: string, command: string, args: readonly string[], options: RunProgramOptions = {}): Promise<string> {
  const expected = options.expectedExit ?? 0;
  let run = await runOnce(command, args, options);
  for (let retry = 1; retry <= CRASH_RETRIES && run.status !== expected && options.retryCrashes && !run.timedOut; retry++) {
    console.warn(`retry ${retry} of ${CRASH_RETRIES}: ${describeEnding(label, run)}`);
    await new Promise((resolve) => setTimeout(resolve, pauseBefore(retry)));
    run = await runOnce(command, args, options);
  }
  if (run.status !== expected) throw new Error(describeEnding(label, run));
  return run.stdout;
}
