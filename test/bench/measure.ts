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
}

export interface Tool {
  name: string;
  script: string;
  args: (file: string) => string[];
  execArgv: string[];
}

/**
 * Runs one benchmark child (a loader script) as a whole process and measures its wall time
 * until it reports (by IPC), and its peak RSS as it reports it.
 */
export function measure(tool: Tool, file: string, timeoutMs: number, compareTo?: string): Promise<Measurement> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    let finished: bigint | undefined;
    const child = fork(tool.script, tool.args(file), {
      execArgv: tool.execArgv,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      cwd: here,
      env: compareTo ? { ...process.env, HEAPDIFF_BENCH_COMPARE: compareTo } : process.env,
    });
    let report: { maxRssKb?: number; rootRetained?: number; [key: string]: unknown } | undefined;
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('message', (m) => {
      // The clock stops when the work is done: writing comparison files afterwards is not timed.
      finished = process.hrtime.bigint();
      report = m as { maxRssKb: number };
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const seconds = Number((finished ?? process.hrtime.bigint()) - started) / 1e9;
      const ok = code === 0 && report !== undefined;
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
      });
    });
  });
}
