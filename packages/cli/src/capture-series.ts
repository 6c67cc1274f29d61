import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { makeDirectory as makeDirectories } from '@heapdiff/core';
import { CaptureRun, startProgramIn, stillWriting } from './capture-run.js';
import { shellQuoted } from './shell-quote.js';
import { SNAPSHOT_FILE } from './snapshot-names.js';
import { captureTrigger, parseAddress, programEndedError, type startWithInspector } from './capture-target.js';

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

/**
 * Takes `snapshots` snapshots of one process, through one inspector session, into a directory:
 * the first when the trigger fires (the interval, Enter or SIGUSR2), each later one after
 * `--between` (a shell command run to completion, the process's pid in HEAPDIFF_PID) and the
 * trigger. Each file is written under a temporary name and renamed when complete. A process it
 * started is stopped at the end, on an error and on SIGINT, SIGTERM or SIGHUP (then heapdiff
 * exits 128 + the signal's number, leaving no partial file). Returns the files, oldest first.
 */
export async function captureSeries(options: SeriesCapture, sayLine: (line: string) => void): Promise<string[]> {
  const { activateInspector, RemoteHeapSession, CaptureError } = await import('@heapdiff/core/capture');
  const { formatBytes } = await import('@heapdiff/core');
  const files: string[] = [];
  let started: Awaited<ReturnType<typeof startWithInspector>> | undefined;
  let session: import('@heapdiff/core/capture').RemoteHeapSession | undefined;
  const run = new CaptureRun(() => `${files.length} of ${options.snapshots} snapshots kept${stillWriting(session, options.command.length > 0, options.pid)}`);
  // Once a signal stops the run, its "stopped by" line is the last one (the steps still under
  // way, such as a connection, would otherwise print progress after it).
  const say = (line: string): void => {
    if (!run.stopping) sayLine(line);
  };
  try {
    const dir = resolve(options.dir ?? `heapdiff-leaks-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`);
    checkDirectory(dir, CaptureError);
    // Made before the program starts: a directory that cannot be made stops nothing under way.
    // (Removed at the end when no snapshot went into it.)
    const createdDir = makeDirectory(dir, CaptureError);
    if (createdDir) {
      run.onEnd(() => {
        if (files.length > 0) return;
        try {
          rmdirSync(createdDir);
        } catch {
          // not empty after all: leave it
        }
      });
    }
    let address: { host: string; port: number };
    let pid = options.pid;
    let closeInspector = false;
    if (options.command.length > 0) {
      started = await startProgramIn(run, options.command, options.trackAllocations);
      address = started.address;
      pid = started.child.pid;
    } else if (options.inspect !== undefined) {
      address = parseAddress(options.inspect);
    } else {
      const activated = await activateInspector(options.pid!, options.port === undefined ? {} : { port: options.port });
      address = activated;
      closeInspector = activated.opened;
    }
    // One session for the whole series: V8 renumbers every object when a session ends.
    session = await RemoteHeapSession.connect(address, {
      allowRemote: options.allowRemote,
      ...(options.pid === undefined ? {} : { expectPid: options.pid }),
    });
    const connected = session;
    run.onEnd(() => connected.release({ closeInspector }));
    say(`heapdiff: taking ${options.snapshots} snapshots into ${dir}`);
    if (options.trackAllocations) {
      await session.startTrackingAllocations({ runIfWaitingForDebugger: started !== undefined });
      say(`heapdiff: tracking allocations in the process at ${address.host}:${address.port} (allocating is slower meanwhile)`);
    }
    const ended = session.ended;
    if (started && options.between !== undefined && options.interval === undefined) {
      // A program just started: the first snapshot waits for its start-up (its main module,
      // then a second), so that the baseline holds what it builds to start and the load finds
      // it ready (a server listening), not a program half loaded.
      say(`heapdiff: waiting ${START_UP_MS / 1000} s for the program to start`);
      await Promise.race([session.settle(START_UP_MS, { signal: run.signal }), ended]);
    }
    for (let k = 0; k < options.snapshots; k++) {
      const what = `snapshot ${k + 1} of ${options.snapshots}`;
      if (k > 0 && options.between !== undefined) {
        const between = startBetween(options.between, pid);
        const stopBetween = (): void => stopGroup(between);
        run.signal.addEventListener('abort', stopBetween, { once: true });
        try {
          await Promise.race([waitFor(between, options.between, CaptureError), ended]);
        } catch (error) {
          // The series stops here: so does the load (and whatever it started).
          stopBetween();
          throw error;
        } finally {
          run.signal.removeEventListener('abort', stopBetween);
        }
      }
      if (options.interval !== undefined || options.between === undefined) {
        await Promise.race([captureTrigger(options.interval, { exited: started?.exited, signal: run.signal }, what), ended]);
      }
      // Numbers as wide as the last one (s00 … s11): a shell's glob then lists them in order.
      const file = join(dir, `s${String(k).padStart(String(options.snapshots - 1).length, '0')}.heapsnapshot`);
      const result = await session.snapshot(file, { gc: true, overwrite: false, signal: run.signal });
      files.push(file);
      say(`heapdiff: ${what}: ${file} (${formatBytes(result.bytes)})`);
    }
    await session.stopTrackingAllocations();
  } catch (error) {
    // A program that ended while connected: its own error (printed once it is let go) and its
    // exit say more than the inspector's goodbye.
    const cause = (await programEndedError(started, session, `snapshot ${files.length + 1} of ${options.snapshots}`, () => run.end(), error)) ?? error;
    // The snapshots taken so far stay: say where.
    if (files.length === 0 || !(cause instanceof CaptureError)) throw cause;
    throw new CaptureError(`${cause.message} (${files.length} of ${options.snapshots} snapshots kept in ${shellQuoted(dirname(files[0]!))})`, { cause });
  } finally {
    await run.end();
  }
  say(`heapdiff: to look again: heapdiff leaks ${shellQuoted(dirname(files[0]!))}`);
  return files;
}

/** How long a program heapdiff starts gets after its main module before the first snapshot (with `--between`, without `--interval`). */
const START_UP_MS = 1000;

/** Refuses a directory for snapshots that is a file or holds a series already (before anything starts). */
export function checkDirectory(dir: string, CaptureError: new (message: string) => Error): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new CaptureError(`--dir ${dir} is a file, not a directory: name a new or empty directory`);
  // Any snapshot there would be read with the series by "heapdiff leaks DIR".
  const taken = readdirSync(dir).filter((name) => SNAPSHOT_FILE.test(name));
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
  // In a process group of its own, so that stopping it stops what its shell started (a load generator).
  return spawn(command, {
    shell: true,
    detached: true,
    stdio: ['ignore', process.stderr, 'inherit'],
    env: { ...process.env, ...(pid === undefined ? {} : { HEAPDIFF_PID: String(pid) }) },
  });
}

/** Stops a `--between` command and everything in its process group. */
function stopGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
  } catch {
    // the group has gone already
  }
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
