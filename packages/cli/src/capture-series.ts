import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '@heapdiff/core';
import { captureTrigger, parseAddress, startWithInspector } from './capture-target.js';
import { makeDirectory as makeDirectories } from './make-directory.js';

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
  /** Record allocation stacks from the start (the program's first line with -- node app.js). */
  trackAllocations: boolean;
}

/** The longest wait a timer can take (Node fires longer ones at once). */
const MAX_INTERVAL_MS = 2 ** 31 - 1;

/** `30s`, `500ms`, `2m`, `1h`, or a bare number of milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} takes a duration such as 30s, 500ms, 2m or 1h, got "${text}"`);
  const unit = match[2] ?? 'ms';
  const ms = Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms'];
  if (ms > MAX_INTERVAL_MS) throw new UsageError(`${flag} can be at most ${MAX_INTERVAL_MS} ms (about 24 days), got "${text}"`);
  return ms;
}

/**
 * Takes `snapshots` snapshots of one process, through one inspector session, into a directory:
 * the first when the trigger fires (the interval, Enter or SIGUSR2), each later one after
 * `--between` (a shell command run to completion, the process's pid in HEAPDIFF_PID) and the
 * trigger. Each file is written under a temporary name and renamed when complete. A process it
 * started is stopped at the end, on an error and on SIGINT, SIGTERM or SIGHUP (then heapdiff
 * exits 128 + the signal's number, leaving no partial file). Returns the files, oldest first.
 */
export async function captureSeries(options: SeriesCapture, say: (line: string) => void): Promise<string[]> {
  const { activateInspector, RemoteHeapSession, CaptureError } = await import('@heapdiff/core/capture');
  let started: Awaited<ReturnType<typeof startWithInspector>> | undefined;
  let session: import('@heapdiff/core/capture').RemoteHeapSession | undefined;
  let between: ChildProcess | undefined;
  let partial: string | undefined;
  let createdDir: string | undefined;
  const files: string[] = [];
  const cleanUp = (): void => {
    session?.close();
    between?.kill('SIGTERM');
    started?.child.kill('SIGTERM');
    if (partial) rmSync(partial, { force: true });
    if (createdDir && files.length === 0) {
      try {
        rmdirSync(createdDir);
      } catch {
        // not empty after all: leave it
      }
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    cleanUp();
    process.stderr.write(`\nheapdiff: stopped by ${signal}; ${files.length} of ${options.snapshots} snapshots kept\n`);
    process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as Record<string, number>)[signal]!);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);
  try {
    const dir = resolve(options.dir ?? `heapdiff-leaks-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`);
    checkDirectory(dir, CaptureError);
    let address: { host: string; port: number };
    let pid = options.pid;
    if (options.command.length > 0) {
      started = await startWithInspector([...options.command], options.trackAllocations);
      address = started.address;
      pid = started.child.pid;
    } else if (options.inspect !== undefined) {
      address = parseAddress(options.inspect);
    } else {
      address = await activateInspector(options.pid!, options.port === undefined ? {} : { port: options.port });
    }
    // One session for the whole series: V8 renumbers every object when a session ends.
    session = await RemoteHeapSession.connect(address, { allowRemote: options.allowRemote });
    createdDir = makeDirectory(dir, CaptureError);
    say(`heapdiff: taking ${options.snapshots} snapshots into ${dir}`);
    if (options.trackAllocations) {
      await session.startTrackingAllocations({ runIfWaitingForDebugger: started !== undefined });
      say(`heapdiff: tracking allocations in the process at ${address.host}:${address.port} (allocating is slower meanwhile)`);
    }
    const ended = session.ended;
    for (let k = 0; k < options.snapshots; k++) {
      const what = `snapshot ${k + 1} of ${options.snapshots}`;
      if (k > 0 && options.between !== undefined) {
        between = startBetween(options.between, pid);
        await Promise.race([waitFor(between, options.between, CaptureError), ended]);
        between = undefined;
      }
      if (options.interval !== undefined || options.between === undefined) {
        await Promise.race([captureTrigger(options.interval, started?.exited, what), ended]);
      }
      const file = join(dir, `s${k}.heapsnapshot`);
      partial = `${file}.partial`;
      const result = await session.snapshot(partial, { gc: true });
      renameSync(partial, file);
      partial = undefined;
      files.push(file);
      say(`heapdiff: ${what}: ${file} (${result.bytes.toLocaleString('en-US')} bytes)`);
    }
    await session.stopTrackingAllocations();
  } catch (error) {
    cleanUp();
    throw error;
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
  }
  cleanUp();
  say(`heapdiff: to look again: heapdiff leaks ${files.map((f) => JSON.stringify(f)).join(' ')}`);
  return files;
}

/** Refuses a directory for snapshots that is a file or holds a series already (before anything starts). */
export function checkDirectory(dir: string, CaptureError: new (message: string) => Error): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new CaptureError(`--dir ${dir} is a file, not a directory: name a new or empty directory`);
  const taken = readdirSync(dir).filter((name) => /^s\d+\.heapsnapshot$/.test(name));
  if (taken.length > 0) throw new CaptureError(`--dir ${dir} already holds snapshots (${taken.slice(0, 3).join(', ')}): name a new or empty directory`);
}

/** Makes the directory for the series, returning it when heapdiff created it. */
function makeDirectory(dir: string, CaptureError: new (message: string, options?: { cause?: unknown }) => Error): string | undefined {
  if (existsSync(dir)) return undefined;
  try {
    makeDirectories(dir);
  } catch (error) {
    throw new CaptureError(`cannot create the directory ${dir}: ${(error as Error).message}`, { cause: error });
  }
  return dir;
}

/** Starts the `--between` command in a shell, the process's pid in HEAPDIFF_PID when known. */
function startBetween(command: string, pid: number | undefined): ChildProcess {
  return spawn(command, { shell: true, stdio: ['ignore', process.stderr, 'inherit'], env: { ...process.env, ...(pid === undefined ? {} : { HEAPDIFF_PID: String(pid) }) } });
}

/** Waits for the `--between` command to finish; a failure stops the series. */
function waitFor(child: ChildProcess, command: string, CaptureError: new (message: string) => Error): Promise<void> {
  return new Promise((done, fail) => {
    child.once('error', (error) => fail(new CaptureError(`cannot run the --between command: ${error.message}`)));
    child.once('exit', (code, signal) => {
      if (code === 0) done();
      else fail(new CaptureError(`the --between command failed (${signal ? `killed by ${signal}` : `exit ${code}`}): ${command}`));
    });
  });
}
