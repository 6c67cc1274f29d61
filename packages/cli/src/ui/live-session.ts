import { accessSync, closeSync, constants, openSync, readFileSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { makeDirectory, type HeapGraph, type SnapshotCensus } from '@heapdiff/core';
import type { RemoteHeapSession } from '@heapdiff/core/capture';
import { checkDirectory } from '../capture-series.js';
import { parseAddress, startWithInspector, stopProgram } from '../capture-target.js';
import type { LiveSource } from './app.js';
import { uiData } from './model/load-ui-data.js';
import type { UiData } from './model/view-rows.js';

/** What `heapdiff ui` watches live: a process it starts, one by pid, or an open inspector. */
export interface LiveOptions {
  readonly command: readonly string[];
  readonly pid: number | undefined;
  readonly port: number | undefined;
  readonly inspect: string | undefined;
  readonly dir: string | undefined;
  readonly allowRemote: boolean;
  readonly trackAllocations: boolean;
}

/**
 * A running process seen through one inspector session (V8 renumbers objects when a session
 * ends, so the session lasts as long as the UI). Each snapshot goes into the directory as
 * `sN.heapsnapshot` (written under a temporary name, renamed when complete); the series so
 * far is then loaded keeping one graph: the newest, with a census of each earlier one.
 */
export class LiveSession implements LiveSource {
  readonly description: string;
  readonly dir: string;
  readonly #session: RemoteHeapSession;
  readonly #stop: () => Promise<void>;
  readonly #files: string[] = [];
  readonly #earlier: SnapshotCensus[] = [];
  #last: HeapGraph | undefined;

  readonly #ended: string[] = [];
  readonly #onEnd = new Set<(why: string) => void>();

  readonly #stopsProgram: boolean;
  /** The snapshot being taken: its reserved name, and what aborts it. */
  #taking: { controller: AbortController; file: string } | undefined;

  private constructor(description: string, dir: string, session: RemoteHeapSession, stop: () => Promise<void>, stopsProgram: boolean) {
    this.#stopsProgram = stopsProgram;
    this.description = description;
    this.dir = dir;
    this.#session = session;
    this.#stop = stop;
  }

  /**
   * Connects (starting the program first with `-- node app.js`; its output goes to `app.log` in
   * the directory, made then; for a running process the directory is made once connected).
   */
  static async start(options: LiveOptions, signal?: AbortSignal): Promise<LiveSession> {
    const { activateInspector, RemoteHeapSession, CaptureError } = await import('@heapdiff/core/capture');
    const dir = resolve(options.dir ?? `heapdiff-ui-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`);
    checkDirectory(dir, CaptureError);
    const makeDir = (): void => {
      try {
        makeDirectory(dir);
        accessSync(dir, constants.W_OK);
      } catch (error) {
        throw new CaptureError(`cannot write into the directory ${dir}: ${(error as Error).message}; name one you can write to (--dir)`, { cause: error, file: dir });
      }
    };
    let started: Awaited<ReturnType<typeof startWithInspector>> | undefined;
    let log: number | undefined;
    // An inspector heapdiff turned on with SIGUSR1 is turned off again at the end.
    let closeInspector = false;
    const logFile = join(dir, 'app.log');
    try {
      let address: { host: string; port: number };
      let description: string;
      if (options.command.length > 0) {
        makeDir();
        try {
          log = openSync(logFile, 'a');
        } catch (error) {
          throw new CaptureError(`cannot write ${logFile}: ${(error as Error).message}; name a directory you can write to (--dir)`, { cause: error, file: logFile });
        }
        started = await startWithInspector([...options.command], options.trackAllocations, log, signal);
        address = started.address;
        description = `${basename(options.command[options.command.length - 1]!)} (pid ${started.child.pid})`;
      } else if (options.inspect !== undefined) {
        address = parseAddress(options.inspect);
        description = `inspector ${options.inspect}`;
      } else {
        const activated = await activateInspector(options.pid!, options.port === undefined ? {} : { port: options.port });
        address = activated;
        closeInspector = activated.opened;
        description = `pid ${options.pid}`;
      }
      const connecting = RemoteHeapSession.connect(address, {
        allowRemote: options.allowRemote,
        ...(options.pid === undefined ? {} : { expectPid: options.pid }),
      });
      let session: RemoteHeapSession;
      if (started) {
        // A program that dies on start (a typo in its file name) says why in app.log: its exit,
        // not the connection it broke, is the error. (Node keeps a crashed program's process for
        // the inspector, which the session hears at once.)
        const child = started;
        const exitError = async (): Promise<Error | undefined> => {
          const code = await Promise.race([child.exited, delay(2000).then(() => 'running' as const)]);
          return code === 'running' ? undefined : new CaptureError(`the program exited (code ${code}) before heapdiff could connect${lastLine(logFile)}; its output is in ${logFile}`);
        };
        try {
          session = await connecting;
        } catch (error) {
          throw (await exitError()) ?? error;
        }
        const early = await Promise.race([session.ended.catch((error: unknown) => error), child.ended.then(() => 'ended' as const), delay(300)]);
        if (early !== undefined) {
          session.close();
          throw (await exitError()) ?? (early === 'ended' ? new CaptureError(`the program ended before heapdiff could connect; its output is in ${logFile}`) : early);
        }
      } else {
        session = await connecting;
        makeDir();
      }
      if (signal?.aborted) {
        session.close();
        throw new CaptureError('stopped before the session began');
      }
      if (options.trackAllocations) await session.startTrackingAllocations({ runIfWaitingForDebugger: started !== undefined });
      const child = started?.child;
      const fd = log;
      const childExited = started?.exited;
      const program = started;
      const live = new LiveSession(description, dir, session, async () => {
        await session.release({ closeInspector });
        // A program that does not stop within 5 s is killed.
        if (program) await stopProgram(program);
        // Only now: the program's last lines (a shutdown message) still go to app.log.
        if (fd !== undefined) closeSync(fd);
      }, started !== undefined);
      const exitMessage = (code: number | null): string => `the program exited (code ${code})${lastLine(logFile)}; its output is in ${logFile}`;
      void childExited?.then((code) => live.#end(exitMessage(code)));
      // The program ended while connected: let its process go, and say how it exited.
      void started?.ended.then(() => session.close());
      void session.ended.catch(async (error: unknown) => {
        // A program heapdiff started: its exit says more than the inspector's goodbye.
        if (childExited && (await Promise.race([childExited.then(() => true), delay(2000).then(() => false)]))) return;
        live.#end(error instanceof Error ? error.message : String(error));
      });
      return live;
    } catch (error) {
      if (started) {
        started.child.kill('SIGKILL');
        await started.exited;
      }
      if (log !== undefined) closeSync(log);
      throw error;
    }
  }

  /** Calls `listener` (at once if it has already happened) when the process can take no more snapshots, saying why. */
  onEnd(listener: (why: string) => void): void {
    if (this.#ended.length > 0) listener(this.#ended[0]!);
    else this.#onEnd.add(listener);
  }

  #end(why: string): void {
    if (this.#closing || this.#ended.length > 0) return;
    this.#ended.push(why);
    for (const listener of this.#onEnd) listener(why);
  }

  #closing = false;

  async snapshot(progress: (text: string) => void): Promise<UiData> {
    const { analyzeGraph, parseSnapshot, takeCensus } = await import('@heapdiff/core');
    const { CaptureError } = await import('@heapdiff/core/capture');
    if (this.#ended.length > 0) throw new CaptureError(`no more snapshots: ${this.#ended[0]}`);
    const k = this.#files.length;
    const file = join(this.dir, `s${k}.heapsnapshot`);
    // The name is taken at once (exclusively): two sessions writing into one directory would mix series.
    try {
      closeSync(openSync(file, 'wx'));
    } catch (error) {
      const taken = (error as NodeJS.ErrnoException).code === 'EEXIST';
      throw new CaptureError(
        taken
          ? `${file} already exists: another heapdiff is writing snapshots into ${this.dir}; give each session a directory of its own (--dir)`
          : `cannot write the snapshot to ${file}: ${(error as Error).message}`,
        { cause: error, file },
      );
    }
    // Aborted by close(): the snapshot's temporary file goes at once.
    const taking = new AbortController();
    this.#taking = { controller: taking, file };
    progress(`taking snapshot ${k + 1}…`);
    try {
      // Written beside the reserved name and renamed over it when complete.
      await this.#session.snapshot(file, {
        gc: true,
        signal: taking.signal,
        onProgress: ({ done, total }) => progress(`taking snapshot ${k + 1}: ${total > 0 ? Math.floor((100 * done) / total) : 0}%`),
      });
    } catch (error) {
      rmSync(file, { force: true });
      throw error;
    } finally {
      this.#taking = undefined;
    }
    this.#files.push(file);
    const graph = await parseSnapshot(file, {
      onProgress: (p) => progress(`loading snapshot ${k + 1}: ${p.totalBytes ? Math.floor((100 * p.bytesRead) / p.totalBytes) : 0}%`),
    });
    await analyzeGraph(graph, { onProgress: (p) => progress(`analysing snapshot ${k + 1}: ${p.phase}…`) });
    // The previous graph is kept as a census from now on, with each object's id for the comparison.
    if (this.#last) this.#earlier.push(takeCensus(this.#last, { perNode: true }));
    this.#last = graph;
    return uiData([...this.#files], [...this.#earlier], graph, progress);
  }

  /** Whether heapdiff started the program (and so stops it at the end). */
  get stopsProgram(): boolean {
    return this.#stopsProgram;
  }

  /** The snapshots taken so far, oldest first. */
  get files(): readonly string[] {
    return this.#files;
  }

  /** Ends the session and stops a program heapdiff started (waiting for it to exit, at most about 5 s). */
  close(): Promise<void> {
    if (this.#closing) return this.#closed ?? Promise.resolve();
    this.#closing = true;
    // A snapshot under way is not finished: its files go.
    const taking = this.#taking;
    taking?.controller.abort();
    if (taking) rmSync(taking.file, { force: true });
    this.#closed = this.#stop();
    return this.#closed;
  }

  #closed: Promise<void> | undefined;
}

/** The last line of a log file, as `: LINE` (for an error message), or '' when there is none. */
function lastLine(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n').filter((line) => line.trim() !== '');
    // The error's own line (`TypeError: …`, `Error [ERR_…]: …`), not the source line Node quotes above it.
    const last = lines.find((line) => /^\s*(\w*Error|Error)\b.*:/.test(line)) ?? lines[lines.length - 1];
    return last ? `: ${last.trim().slice(0, 200)}` : '';
  } catch {
    return '';
  }
}
