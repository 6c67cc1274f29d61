import { fork, spawn } from 'node:child_process';
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
  /**
   * Run as a user runs it, without an IPC channel (heapdiff's CLI runs big inputs in a second
   * process only then: see packages/cli/src/huge-pages.ts); the program reports on stderr, in
   * lines `REPORT_PREFIX {json}` (loaders/report-at-exit.mjs).
   */
  noIpc?: boolean;
}

/** How a program run without IPC reports (see `Tool.noIpc`). */
export const REPORT_PREFIX = '@heapdiff-bench-report ';

/**
 * Runs one benchmark child (a loader script) as a whole process and measures its wall time
 * until it reports (by IPC, or on stderr), and its peak RSS as it reports it. A program that runs
 * itself again (heapdiff on big inputs) reports from both processes: the clock stops at the
 * last report, the peak is the higher.
 */
export function measure(tool: Tool, file: string, timeoutMs: number, compareTo?: string): Promise<Measurement> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    let finished: bigint | undefined;
    const options = {
      cwd: here,
      env: compareTo ? { ...process.env, HEAPDIFF_BENCH_COMPARE: compareTo } : process.env,
    };
    const stdio = ['ignore', tool.stdout ? 'pipe' : 'ignore', 'pipe'] as const;
    const child = tool.noIpc
      ? spawn(process.execPath, [...tool.execArgv, tool.script, ...tool.args(file)], { ...options, stdio: [...stdio] })
      : fork(tool.script, tool.args(file), { ...options, execArgv: tool.execArgv, stdio: [...stdio, 'ipc'] });
    let report: { maxRssKb?: number; rootRetained?: number; [key: string]: unknown } | undefined;
    let stderr = '';
    let stdout = '';
    const onReport = (m: unknown): void => {
      // The clock stops when the work is done: writing comparison files afterwards is not timed.
      finished = process.hrtime.bigint();
      const next = m as { maxRssKb?: number };
      report = { ...next, maxRssKb: Math.max(report?.maxRssKb ?? 0, next.maxRssKb ?? 0) };
    };
    let pending = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      if (!tool.noIpc) {
        stderr += d;
        return;
      }
      const lines = (pending + d).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith(REPORT_PREFIX)) onReport(JSON.parse(line.slice(REPORT_PREFIX.length)));
        else stderr += `${line}\n`;
      }
    });
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.on('message', onReport);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // A last line without a newline (a crash's message) is stderr too.
      stderr += pending;
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
