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
   * Run the program once more when it dies (a signal, or a non-zero exit): for programs that
   * record allocations, where Node 22's V8 crashes now and then under load (about once in ten
   * full CI runs, never in hundreds of runs alone). The first ending is logged. Wrong output
   * is never retried — only a program that did not finish.
   */
  retryCrashOnce?: boolean;
  /** The exit code that means the program ran as it should (a test runner with failing tests: 1). Default 0. */
  expectedExit?: number;
}

/** How a run ended, for a failure message: exit code or signal, time, and the end of its stderr. */
export function describeEnding(label: string, run: ProgramRun): string {
  const how = run.timedOut ? `timed out after ${run.ms} ms` : run.signal ? `was killed by ${run.signal} after ${run.ms} ms` : `exited with ${run.status} after ${run.ms} ms`;
  const tail = run.stderr.trim() ? run.stderr.split('\n').slice(-25).join('\n') : '(empty)';
  return `${label} ${how}; its stderr ends:\n${tail}`;
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
 * Runs a Node program to its end and returns its stdout; throws with how it ended (exit code
 * or signal, time, stderr) when it does not exit 0 (or `expectedExit`).
 */
export async function runProgram(label: string, command: string, args: readonly string[], options: RunProgramOptions = {}): Promise<string> {
  const expected = options.expectedExit ?? 0;
  let run = await runOnce(command, args, options);
  if (run.status !== expected && options.retryCrashOnce && !run.timedOut) {
    console.warn(`retrying once: ${describeEnding(label, run)}`);
    run = await runOnce(command, args, options);
  }
  if (run.status !== expected) throw new Error(describeEnding(label, run));
  return run.stdout;
}
