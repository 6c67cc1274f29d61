import { accessSync, constants, createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CaptureError, UsageError } from '@heapdiff/core/errors';
import { CaptureRun, startProgramIn, stillWriting } from './capture-run.js';
import { captureTrigger, parseAddress, programEndedError, type startWithInspector } from './capture-target.js';

/** What `heapdiff snapshot` was asked for. */
export interface RemoteSnapshotRequest {
  /** A file, or `-` for stdout. */
  output: string;
  force: boolean;
  /** Milliseconds to wait before capturing; undefined: Enter or SIGUSR2 (at once for a running process not tracked). */
  after: number | undefined;
  command: readonly string[];
  inspect: string | undefined;
  pid: number | undefined;
  port: number | undefined;
  keepInspector: boolean;
  gc: boolean;
  allowRemote: boolean;
  trackAllocations: boolean;
}

/**
 * Takes one snapshot of another process for `heapdiff snapshot`. The file is written under a
 * temporary name beside it and renamed when complete; an existing file is replaced only with
 * `force`. Whatever way it ends (success, error, SIGINT/SIGTERM/SIGHUP), a program it started
 * is stopped, allocation tracking is ended with heap compaction back on, an inspector it
 * opened with SIGUSR1 is closed (unless `keepInspector`), and no partial file is left.
 */
export async function takeRemoteSnapshot(request: RemoteSnapshotRequest): Promise<void> {
  const { activateInspector, RemoteHeapSession, isLoopbackHost } = await import('@heapdiff/core/capture');
  const { formatBytes } = await import('@heapdiff/core');
  const toStdout = request.output === '-';
  if (toStdout && process.stdout.isTTY) throw new UsageError('-o - writes the snapshot to stdout, which is a terminal here: redirect it (-o - > app.heapsnapshot) or name a file');
  const output = toStdout ? undefined : resolve(request.output);
  // Checked before anything starts, so that a bad name costs nothing.
  if (output) checkOutput(output, request.force);
  let session: import('@heapdiff/core/capture').RemoteHeapSession | undefined;
  const run = new CaptureRun(() => `no snapshot written${stillWriting(session, request.command.length > 0, request.pid)}`);
  const tty = Boolean(process.stderr.isTTY) && !process.env['CI'];
  let started: Awaited<ReturnType<typeof startWithInspector>> | undefined;
  try {
    let address: { host: string; port: number };
    let closeInspector = false;
    // Without tracking, the trigger comes before connecting: a process is touched only when it is time.
    const waitFirst = !request.trackAllocations && (request.after !== undefined || request.command.length > 0);
    if (request.command.length > 0) {
      // Tracking starts before the program's first line: it waits for heapdiff (--inspect-brk).
      started = await startProgramIn(run, request.command, request.trackAllocations);
      address = started.address;
    } else if (request.inspect !== undefined) {
      address = parseAddress(request.inspect);
      if (request.allowRemote && !isLoopbackHost(address.host)) {
        process.stderr.write(`heapdiff: warning: capturing over the network from ${address.host}; anyone on the way could control that process\n`);
      }
    } else {
      if (waitFirst) await captureTrigger(request.after, { signal: run.signal });
      const activated = await activateInspector(request.pid!, request.port === undefined ? {} : { port: request.port });
      address = activated;
      closeInspector = activated.opened && !request.keepInspector;
    }
    if (waitFirst && request.pid === undefined) await captureTrigger(request.after, { exited: started?.exited, signal: run.signal });
    session = await RemoteHeapSession.connect(address, {
      allowRemote: request.allowRemote,
      ...(request.pid === undefined ? {} : { expectPid: request.pid }),
    });
    const connected = session;
    run.onEnd(() => connected.release({ closeInspector }));
    if (request.trackAllocations) process.stderr.write(`heapdiff: tracking allocations in the process at ${address.host}:${address.port}\n`);
    const trackAllocationsUntil = request.trackAllocations ? captureTrigger(request.after, { exited: started?.exited, signal: run.signal }) : undefined;
    // Given up when the snapshot fails first (the program ended): no one waits for it then.
    trackAllocationsUntil?.catch(() => {});
    let target = output;
    if (toStdout) {
      // Written whole first: stdout gets a complete snapshot or nothing.
      const directory = mkdtempSync(join(tmpdir(), 'heapdiff-'));
      run.onEnd(() => rmSync(directory, { recursive: true, force: true }));
      target = join(directory, 'snapshot.heapsnapshot');
    }
    const result = await session.snapshot(target!, {
      gc: request.gc,
      overwrite: request.force || toStdout,
      signal: run.signal,
      ...(trackAllocationsUntil ? { trackAllocationsUntil } : {}),
      runIfWaitingForDebugger: started !== undefined,
      ...(tty
        ? {
            onProgress: ({ done, total }: { done: number; total: number }) => {
              run.lineOpen = true;
              process.stderr.write(`\r\x1b[2KSnapshotting ${Math.floor((100 * done) / Math.max(1, total))}%`);
            },
          }
        : {}),
    });
    if (run.lineOpen) process.stderr.write('\r\x1b[2K');
    run.lineOpen = false;
    if (toStdout) {
      try {
        await pipeline(createReadStream(target!), process.stdout, { end: false });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') throw new CaptureError('stdout was closed before the whole snapshot was written', { cause: error, file: '-' });
        throw new CaptureError(`cannot write the snapshot to stdout: ${code === 'ENOSPC' ? 'no space left on the device' : (error as Error).message}`, { cause: error, file: '-' });
      }
      process.stderr.write(`heapdiff: wrote the snapshot to stdout (${formatBytes(result.bytes)})\n`);
    } else process.stdout.write(`${result.file} (${formatBytes(result.bytes)})\n`);
  } catch (error) {
    if (run.lineOpen) process.stderr.write('\r\x1b[2K');
    run.lineOpen = false;
    // A program that ended while connected: its own error (printed above once it is let go) and
    // its exit code say more than the inspector's goodbye.
    throw (await programEndedError(started, session, 'the snapshot', () => run.end(), error)) ?? error;
  } finally {
    await run.end();
  }
}

/** Refuses an output that cannot be written, or that exists (without `force`) — before anything starts. */
function checkOutput(file: string, force: boolean): void {
  const directory = dirname(file);
  if (!existsSync(directory)) throw new CaptureError(`cannot write ${file}: the directory ${directory} does not exist`, { file });
  if (!statSync(directory).isDirectory()) throw new CaptureError(`cannot write ${file}: ${directory} is not a directory`, { file });
  try {
    accessSync(directory, constants.W_OK);
  } catch {
    throw new CaptureError(`cannot write ${file}: no permission to create files in ${directory}`, { file });
  }
  if (!existsSync(file)) return;
  if (!statSync(file).isFile()) throw new CaptureError(`${file} exists and is not a regular file; name a new file`);
  if (!force) throw new CaptureError(`${file} exists; choose another name, or replace it with --force`);
}
