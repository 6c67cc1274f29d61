import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** What a benchmark child reported, and how long it took and how much memory. */
export interface Measurement {
  ok: boolean;
  seconds: number;
  peakRssBytes: number;
  /** The root's retained size, from the analyze loaders: the same bytes for every tool. */
  rootRetained?: number;
  error?: string;
  /** Everything the child reported. */
  report?: Record<string, unknown>;
  /** What it printed, for a tool with `stdout: true`. */
  stdout?: string;
}

export interface Tool {
  name: string;
  script: string;
  args: (file: string) => string[];
  execArgv: string[];
  /** Exit codes that mean success (default 0 only; `heapdiff leaks` exits 1 when it finds leaks). */
  okCodes?: number[];
  /** Keep what it prints (`Measurement.stdout`). */
  stdout?: boolean;
}

/**
 * Runs one benchmark child (a loader script) as a whole process and measures its wall time
 * until it reports (by IPC), and its peak RSS as it reports it. A program that runs itself
 * again (heapdiff on big inputs, see packages/cli/src/huge-pages.ts) passes the second
 * process's report on, then sends its own: the clock stops at the last, the peak is the higher.
 */
export function measure(tool: Tool, file: string, timeoutMs: number, compareTo?: string): Promise<Measurement> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    let finished: bigint | undefined;
    const child = fork(tool.script, tool.args(file), {
      execArgv: tool.execArgv,
      stdio: ['ignore', tool.stdout ? 'pipe' : 'ignore', 'pipe', 'ipc'],
      cwd: here,
      env: compareTo ? { ...process.env, HEAPDIFF_BENCH_COMPARE: compareTo } : process.env,
    });
    let report: { maxRssKb?: number; rootRetained?: number; [key: string]: unknown } | undefined;
    let stderr = '';
    let stdout = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.on('message', (m) => {
      // The clock stops when the work is done: writing comparison files afterwards is not timed.
      finished = process.hrtime.bigint();
      const next = m as { maxRssKb?: number };
      report = { ...next, maxRssKb: Math.max(report?.maxRssKb ?? 0, next.maxRssKb ?? 0) };
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const seconds = Number((finished ?? process.hrtime.bigint()) - started) / 1e9;
      const ok = (tool.okCodes ?? [0]).includes(code ?? -1) && report !== undefined;
      const lines = stderr.trim().split('\n').filter(Boolean);
      const errorLine = lines.find((l) => /Error|error:|heap out of memory/i.test(l)) ?? lines.pop() ?? '';
      const error = ok ? undefined : signal === 'SIGKILL' ? `killed after ${timeoutMs / 1000}s` : errorLine.trim().slice(0, 70) || `exit ${code}`;
      resolve({
        ok,
        seconds,
        peakRssBytes: (report?.maxRssKb ?? 0) * 1024,
        ...(report?.rootRetained === undefined ? {} : { rootRetained: report.rootRetained }),
        ...(error ? { error } : {}),
        ...(report ? { report } : {}),
        ...(tool.stdout ? { stdout } : {}),
      });
    });
  });
}
