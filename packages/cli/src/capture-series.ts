import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '@heapdiff/core';
import { captureTrigger, parseAddress, startWithInspector } from './capture-target.js';

/** Where and when `heapdiff leaks` takes its own snapshots. */
export interface SeriesCapture {
  inspect: string | undefined;
  pid: number | undefined;
  port: number | undefined;
  command: readonly string[];
  snapshots: number;
  /** Milliseconds before each snapshot; undefined: on Enter or SIGUSR2 (or right after --between). */
  interval: number | undefined;
  between: string | undefined;
  dir: string | undefined;
  allowRemote: boolean;
}

/** `30s`, `500ms`, `2m`, or a bare number of milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} takes a duration such as 30s, 500ms or 2m, got "${text}"`);
  const unit = match[2] ?? 'ms';
  return Number(match[1]) * (unit === 'm' ? 60_000 : unit === 's' ? 1000 : 1);
}

/**
 * Takes `snapshots` snapshots of one process into a new directory: the first when the trigger
 * fires (the interval, Enter or SIGUSR2), each later one after `--between` (a shell command
 * run to completion, the process's pid in HEAPDIFF_PID) and the trigger. Stops a process it
 * started. Returns the files, oldest first.
 */
export async function captureSeries(options: SeriesCapture, say: (line: string) => void): Promise<string[]> {
  const { activateInspector, RemoteHeapSession, CaptureError } = await import('@heapdiff/core/capture');
  const dir = resolve(options.dir ?? `heapdiff-leaks-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`);
  mkdirSync(dir, { recursive: true });
  let started: Awaited<ReturnType<typeof startWithInspector>> | undefined;
  let address: { host: string; port: number };
  let pid = options.pid;
  if (options.command.length > 0) {
    started = await startWithInspector([...options.command], false);
    address = started.address;
    pid = started.child.pid;
  } else if (options.inspect !== undefined) {
    address = parseAddress(options.inspect);
  } else {
    address = await activateInspector(options.pid!, options.port === undefined ? {} : { port: options.port });
  }
  say(`heapdiff: taking ${options.snapshots} snapshots into ${dir}`);
  const files: string[] = [];
  let session: import('@heapdiff/core/capture').RemoteHeapSession | undefined;
  try {
    // One session for the whole series: V8 renumbers every object when a session ends.
    session = await RemoteHeapSession.connect(address, { allowRemote: options.allowRemote });
    for (let k = 0; k < options.snapshots; k++) {
      const what = `snapshot ${k + 1} of ${options.snapshots}`;
      if (k > 0 && options.between !== undefined) await runBetween(options.between, pid, CaptureError);
      if (options.interval !== undefined || options.between === undefined) await captureTrigger(options.interval, started?.exited, what);
      const file = join(dir, `s${k}.heapsnapshot`);
      const result = await session.snapshot(file, { gc: true });
      files.push(result.file);
      say(`heapdiff: ${what}: ${result.file}`);
    }
  } finally {
    session?.close();
    started?.child.kill('SIGTERM');
  }
  say(`heapdiff: to look again: heapdiff leaks ${files.map((f) => JSON.stringify(f)).join(' ')}`);
  return files;
}

/** Runs the `--between` command in a shell to completion; a failure stops the series. */
async function runBetween(command: string, pid: number | undefined, CaptureError: new (message: string) => Error): Promise<void> {
  const { spawn } = await import('node:child_process');
  const code = await new Promise<number | null>((done, fail) => {
    const child = spawn(command, { shell: true, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...(pid === undefined ? {} : { HEAPDIFF_PID: String(pid) }) } });
    child.once('error', fail);
    child.once('exit', done);
  });
  if (code !== 0) throw new CaptureError(`the --between command failed (exit ${code}): ${command}`);
}
