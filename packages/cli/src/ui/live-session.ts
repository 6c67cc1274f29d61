import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { HeapGraph, SnapshotCensus } from '@heapdiff/core';
import type { RemoteHeapSession } from '@heapdiff/core/capture';
import { parseAddress, startWithInspector } from '../capture-target.js';
import type { LiveSource } from './app.js';
import { ComparisonModel } from './model/comparison-model.js';
import { LeaksModel } from './model/leaks-model.js';
import { SnapshotModel } from './model/snapshot-model.js';
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
  readonly #stop: () => void;
  readonly #files: string[] = [];
  readonly #earlier: SnapshotCensus[] = [];
  #last: HeapGraph | undefined;

  private constructor(description: string, dir: string, session: RemoteHeapSession, stop: () => void) {
    this.description = description;
    this.dir = dir;
    this.#session = session;
    this.#stop = stop;
  }

  /** Connects (starting the program first with `-- node app.js`; its output goes to `app.log` in the directory). */
  static async start(options: LiveOptions): Promise<LiveSession> {
    const { activateInspector, RemoteHeapSession, CaptureError } = await import('@heapdiff/core/capture');
    const dir = resolve(options.dir ?? `heapdiff-ui-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`);
    if (existsSync(dir)) {
      if (!statSync(dir).isDirectory()) throw new CaptureError(`--dir ${dir} is a file, not a directory: name a new or empty directory`);
      const taken = readdirSync(dir).filter((name) => /^s\d+\.heapsnapshot$/.test(name));
      if (taken.length > 0) throw new CaptureError(`--dir ${dir} already holds snapshots (${taken.slice(0, 3).join(', ')}): name a new or empty directory`);
    } else {
      try {
        mkdirSync(dir, { recursive: true });
      } catch (error) {
        throw new CaptureError(`cannot create the directory ${dir}: ${(error as Error).message}`, { cause: error });
      }
    }
    let started: Awaited<ReturnType<typeof startWithInspector>> | undefined;
    let log: number | undefined;
    try {
      let address: { host: string; port: number };
      let description: string;
      if (options.command.length > 0) {
        log = openSync(join(dir, 'app.log'), 'a');
        started = await startWithInspector([...options.command], options.trackAllocations, log);
        address = started.address;
        description = `${basename(options.command[options.command.length - 1]!)} (pid ${started.child.pid})`;
      } else if (options.inspect !== undefined) {
        address = parseAddress(options.inspect);
        description = `inspector ${options.inspect}`;
      } else {
        address = await activateInspector(options.pid!, options.port === undefined ? {} : { port: options.port });
        description = `pid ${options.pid}`;
      }
      const session = await RemoteHeapSession.connect(address, { allowRemote: options.allowRemote });
      if (options.trackAllocations) await session.startTrackingAllocations({ runIfWaitingForDebugger: started !== undefined });
      const child = started?.child;
      const fd = log;
      return new LiveSession(description, dir, session, () => {
        session.close();
        child?.kill('SIGTERM');
        if (fd !== undefined) closeSync(fd);
      });
    } catch (error) {
      started?.child.kill('SIGTERM');
      if (log !== undefined) closeSync(log);
      throw error;
    }
  }

  async snapshot(progress: (text: string) => void): Promise<UiData> {
    const { analyzeGraph, parseSnapshot, takeCensus } = await import('@heapdiff/core');
    const k = this.#files.length;
    const file = join(this.dir, `s${k}.heapsnapshot`);
    const partial = `${file}.partial`;
    progress(`taking snapshot ${k + 1}…`);
    try {
      await this.#session.snapshot(partial, {
        gc: true,
        onProgress: ({ done, total }) => progress(`taking snapshot ${k + 1}: ${total > 0 ? Math.floor((100 * done) / total) : 0}%`),
      });
      renameSync(partial, file);
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    }
    this.#files.push(file);
    const graph = await parseSnapshot(file, {
      onProgress: (p) => progress(`loading snapshot ${k + 1}: ${p.totalBytes ? Math.floor((100 * p.bytesRead) / p.totalBytes) : 0}%`),
    });
    await analyzeGraph(graph, { onProgress: (p) => progress(`analysing snapshot ${k + 1}: ${p.phase}…`) });
    // The previous graph is kept as a census from now on, with each object's id for the comparison.
    if (this.#last) this.#earlier.push(takeCensus(this.#last, { perNode: true }));
    this.#last = graph;
    const summary = new SnapshotModel(graph);
    const previous = this.#earlier[this.#earlier.length - 1];
    const comparison = previous ? new ComparisonModel(previous, summary) : undefined;
    const leaks = this.#earlier.length >= 2 ? new LeaksModel(this.#earlier, graph) : undefined;
    return { files: [...this.#files], summary, ...(comparison ? { comparison } : {}), ...(leaks ? { leaks } : {}) };
  }

  /** The snapshots taken so far, oldest first. */
  get files(): readonly string[] {
    return this.#files;
  }

  /** Ends the session and stops a program heapdiff started. */
  close(): void {
    this.#stop();
  }
}
