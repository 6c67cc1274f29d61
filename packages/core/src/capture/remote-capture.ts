import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import type WebSocketType from 'ws';
import { AbortedError, CaptureError } from '../errors.js';
import { COMPACTION_BACK_EXPRESSION, COMPACTION_OFF_EXPRESSION } from './allocation-tracking.js';
import { isLoopbackHost } from './loopback.js';

/** Where a Node process's inspector listens. */
export interface InspectorAddress {
  host: string;
  port: number;
}

export interface RemoteCaptureOptions {
  /** Collect garbage in the target first (default true). */
  gc?: boolean;
  /** Allow a host other than loopback (the inspector gives full control of the process). */
  allowRemote?: boolean;
  onProgress?: (progress: { done: number; total: number }) => void;
  signal?: AbortSignal;
  /** How long to wait for the inspector to answer, in ms (default 10 s). */
  timeoutMs?: number;
  /**
   * Track allocations from the moment of connecting until this settles, then take the
   * snapshot — the one that ends tracking — so it records each object's allocation stack
   * (`trace_tree`). The process's heap is not compacted meanwhile (see allocation-tracking.ts);
   * allocation is much slower while tracking is on.
   */
  trackAllocationsUntil?: PromiseLike<unknown>;
  /**
   * For a process started with `--inspect-brk`: let it run once connected (and tracking, if
   * asked) — so allocations are tracked from its first line.
   */
  runIfWaitingForDebugger?: boolean;
}

/** GETs a small JSON document (node:http: fetch refuses ports such as 1 or 6000). */
async function getJson(host: string, port: number, path: string, timeoutMs: number): Promise<unknown> {
  // Loaded on first use: node:http (and ws) loaded with the capture entry would be the
  // program's load — on Node 22 and after, compiling an HTTP parser in the background
  // across a mark made right after the import (a worker's first diff).
  const { get } = await import('node:http');
  return new Promise((resolve, reject) => {
    const request = get({ host, port, path, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > 1 << 20) request.destroy(new Error('the answer is too long'));
      });
      response.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch {
          resolve(undefined);
        }
      });
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
  });
}

/** Asks the inspector's HTTP endpoint for the target's WebSocket URL. */
export async function inspectorWebSocketUrl(address: InspectorAddress, timeoutMs = 10_000): Promise<string> {
  const where = `${address.host}:${address.port}`;
  let targets: unknown;
  try {
    // A bracketed IPv6 literal ("[::1]") is a URL's spelling; the socket wants the bare address.
    targets = await getJson(address.host.replace(/^\[(.*)\]$/, '$1'), address.port, '/json/list', timeoutMs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED') throw new CaptureError(`nothing listens on ${where}: is the process running with --inspect?`, { cause: error });
    throw new CaptureError(`the inspector at ${where} did not answer: ${(error as Error).message}`, { cause: error });
  }
  const list = Array.isArray(targets) ? (targets as { webSocketDebuggerUrl?: string; type?: string }[]) : [];
  const target = list.find((t) => t.webSocketDebuggerUrl && (t.type ?? 'node') === 'node');
  if (!target?.webSocketDebuggerUrl) {
    throw new CaptureError(`${where} answered, but not as a Node inspector (no debuggable target in /json/list)`);
  }
  return target.webSocketDebuggerUrl;
}

/**
 * Captures a heap snapshot of another Node process through its inspector and writes it to
 * `file` as it streams. A connection lost midway removes the partial file.
 *
 * @example
 * await captureRemoteSnapshot({ host: '127.0.0.1', port: 9229 }, 'app.heapsnapshot')
 */
export async function captureRemoteSnapshot(
  address: InspectorAddress,
  file: string,
  options: RemoteCaptureOptions = {},
): Promise<{ file: string; bytes: number }> {
  const session = await RemoteHeapSession.connect(address, options);
  try {
    return await session.snapshot(file, options);
  } finally {
    session.close();
  }
}

/** Options of one snapshot in a `RemoteHeapSession`. */
export type RemoteSnapshotOptions = Pick<RemoteCaptureOptions, 'gc' | 'onProgress' | 'signal' | 'trackAllocationsUntil' | 'runIfWaitingForDebugger'>;

/**
 * One connection to another Node process's inspector, for several snapshots. V8 keeps an
 * object's id only while its heap profiler stays on: it is turned off when an inspector
 * session closes, and the next session's snapshot numbers every object anew — so a series
 * whose snapshots are compared by id (`heapdiff leaks`) must come from one session.
 *
 * @example
 * const session = await RemoteHeapSession.connect({ host: '127.0.0.1', port: 9229 })
 * try {
 *   for (const name of ['s0', 's1', 's2']) await session.snapshot(`${name}.heapsnapshot`)
 * } finally {
 *   session.close()
 * }
 */
export class RemoteHeapSession {
  readonly #socket: WebSocketType;
  readonly #replies = new Map<number, { resolve: () => void; reject: (error: unknown) => void }>();
  #nextId = 1;
  #closed = false;
  #failure: unknown;
  /** Where the snapshot being taken goes (chunks, progress). */
  #sink: { fd: number; bytes: number; onProgress: RemoteCaptureOptions['onProgress'] } | undefined;

  private constructor(socket: WebSocketType) {
    this.#socket = socket;
    socket.on('message', (data: WebSocketType.RawData) => this.#receive(data));
    socket.on('error', (error) => this.#fail(new CaptureError(`the inspector connection failed: ${error.message}`, { cause: error })));
    socket.on('close', () =>
      this.#fail(new CaptureError(`the inspector connection closed${this.#sink ? ' before the snapshot was complete' : ''} (did the process exit?)`)),
    );
  }

  /** Connects to the inspector at `address` (loopback only, unless `allowRemote`). */
  static async connect(address: InspectorAddress, options: Pick<RemoteCaptureOptions, 'allowRemote' | 'timeoutMs' | 'signal'> = {}): Promise<RemoteHeapSession> {
    if (typeof address?.host !== 'string' || address.host === '' || !Number.isInteger(address.port)) {
      throw new CaptureError(`captureRemoteSnapshot needs an address { host, port }, got ${JSON.stringify(address)}`);
    }
    if (!isLoopbackHost(address.host) && !options.allowRemote) {
      throw new CaptureError(
        `${address.host} is not a loopback address; an inspector gives full control of its process, so pass allowRemote (--allow-remote) to capture over the network`,
      );
    }
    const url = await inspectorWebSocketUrl(address, options.timeoutMs);
    const { default: WebSocket } = await import('ws');
    const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 1 << 30 });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', (error) => reject(new CaptureError(`the inspector connection failed: ${error.message}`, { cause: error })));
    });
    const session = new RemoteHeapSession(socket);
    void session.#send('HeapProfiler.enable').catch(() => {});
    // Told when the program has ended (exited or crashed) but is kept for the debugger: the
    // process lives on with nothing to snapshot.
    void session.#send('NodeRuntime.notifyWhenWaitingForDisconnect', { enabled: true }).catch(() => {});
    return session;
  }

  /**
   * Takes a snapshot (garbage collected first unless `gc: false`) into `file` as it streams;
   * a connection lost midway removes the partial file.
   */
  async snapshot(file: string, options: RemoteSnapshotOptions = {}): Promise<{ file: string; bytes: number }> {
    if (this.#sink) throw new CaptureError('a snapshot is already being taken in this session');
    this.#throwIfClosed();
    let fd: number;
    try {
      // Readable by its owner only: a heap snapshot holds whatever the program held (keys, tokens).
      fd = openSync(file, 'w', 0o600);
    } catch (error) {
      throw new CaptureError(`cannot write the snapshot to ${file}: ${(error as Error).message}`, { cause: error });
    }
    const sink = { fd, bytes: 0, onProgress: options.onProgress };
    this.#sink = sink;
    const onAbort = (): void => this.#fail(new AbortedError(undefined, { cause: options.signal?.reason }));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const tracking = options.trackAllocationsUntil;
      if (tracking) {
        void this.#send('Runtime.evaluate', { expression: COMPACTION_OFF_EXPRESSION }).catch(() => {});
        await this.#send('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true });
      }
      if (options.runIfWaitingForDebugger) void this.#send('Runtime.runIfWaitingForDebugger').catch(() => {});
      if (tracking) {
        await Promise.race([tracking, this.#closedPromise()]);
        this.#throwIfClosed();
      }
      if (options.gc ?? true) void this.#send('HeapProfiler.collectGarbage').catch(() => {});
      await this.#send(tracking ? 'HeapProfiler.stopTrackingHeapObjects' : 'HeapProfiler.takeHeapSnapshot', { reportProgress: Boolean(options.onProgress) });
      if (tracking) await this.#send('Runtime.evaluate', { expression: COMPACTION_BACK_EXPRESSION });
    } catch (error) {
      closeSync(fd);
      // Never leave a partial file that looks like a snapshot.
      rmSync(file, { force: true });
      throw error instanceof CaptureError || error instanceof AbortedError
        ? error
        : new CaptureError(`the snapshot failed: ${(error as Error).message}`, { cause: error });
    } finally {
      this.#sink = undefined;
      options.signal?.removeEventListener('abort', onAbort);
    }
    closeSync(fd);
    return { file, bytes: sink.bytes };
  }

  /**
   * Turns allocation tracking on for the rest of the session (heap compaction off meanwhile,
   * see allocation-tracking.ts): each later snapshot carries the stacks that allocated its
   * objects. `runIfWaitingForDebugger` then lets a process started with `--inspect-brk` run.
   */
  async startTrackingAllocations(options: { runIfWaitingForDebugger?: boolean } = {}): Promise<void> {
    void this.#send('Runtime.evaluate', { expression: COMPACTION_OFF_EXPRESSION }).catch(() => {});
    await this.#send('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true });
    this.#tracking = true;
    if (options.runIfWaitingForDebugger) void this.#send('Runtime.runIfWaitingForDebugger').catch(() => {});
  }

  /** Turns allocation tracking off again (V8 writes one more snapshot doing so: it is dropped). */
  async stopTrackingAllocations(): Promise<void> {
    if (!this.#tracking) return;
    this.#tracking = false;
    await this.#send('HeapProfiler.stopTrackingHeapObjects', { reportProgress: false });
    await this.#send('Runtime.evaluate', { expression: COMPACTION_BACK_EXPRESSION });
  }

  #tracking = false;

  /** Closes the connection (the process's heap profiler turns off: its ids start anew). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#failure ??= new CaptureError('the inspector session was closed');
    this.#socket.close();
    for (const { reject } of this.#replies.values()) reject(this.#failure);
    this.#replies.clear();
  }

  #send(method: string, params: object = {}): Promise<void> {
    this.#throwIfClosed();
    const id = this.#nextId++;
    this.#socket.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.#replies.set(id, { resolve, reject }));
  }

  #receive(data: WebSocketType.RawData): void {
    let message: { id?: number; method?: string; params?: { chunk?: string; done?: number; total?: number }; error?: { message: string } };
    try {
      message = JSON.parse(data.toString());
    } catch (error) {
      return this.#fail(new CaptureError('the inspector sent a message that is not JSON', { cause: error }));
    }
    if (message.method === 'NodeRuntime.waitingForDisconnect') {
      this.#fail(new CaptureError('the program has ended (it exited or crashed); its process waits only for the inspector to let go'));
    } else if (message.method === 'HeapProfiler.addHeapSnapshotChunk') {
      if (this.#sink) this.#sink.bytes += writeSync(this.#sink.fd, message.params!.chunk!);
    } else if (message.method === 'HeapProfiler.reportHeapSnapshotProgress') {
      this.#sink?.onProgress?.({ done: message.params!.done!, total: message.params!.total! });
    } else if (message.id !== undefined) {
      const reply = this.#replies.get(message.id);
      this.#replies.delete(message.id);
      if (message.error) reply?.reject(new CaptureError(`the inspector refused a command: ${message.error.message}`));
      else reply?.resolve();
    }
  }

  #fail(error: unknown): void {
    if (this.#closed) return;
    this.#failure = error;
    this.#closed = true;
    this.#socket.terminate();
    for (const { reject } of this.#replies.values()) reject(error);
    this.#replies.clear();
    for (const wake of this.#onClose) wake();
  }

  readonly #onClose: (() => void)[] = [];

  /**
   * Rejects (with a `CaptureError` saying why) when the session can take no more snapshots:
   * the program ended, the connection broke, or it was closed. Never resolves.
   */
  get ended(): Promise<never> {
    const ended = this.#closedPromise().then(() => {
      throw this.#failure ?? new CaptureError('the inspector session was closed');
    });
    ended.catch(() => {}); // a waiter that never looks is no unhandled rejection
    return ended;
  }

  #closedPromise(): Promise<void> {
    return this.#closed ? Promise.resolve() : new Promise((resolve) => this.#onClose.push(resolve));
  }

  #throwIfClosed(): void {
    if (this.#closed) throw this.#failure ?? new CaptureError('the inspector session was closed');
  }
}

/**
 * Turns on the inspector of a running Node process (SIGUSR1, as `node inspect -p` does) and
 * returns its address once it answers; Node listens on 127.0.0.1:9229 unless the process
 * chose another port with --inspect-port.
 */
export async function activateInspector(pid: number, options: { port?: number; timeoutMs?: number } = {}): Promise<InspectorAddress> {
  try {
    process.kill(pid, 'SIGUSR1');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') throw new CaptureError(`no process with pid ${pid}`, { cause: error });
    if (code === 'EPERM') throw new CaptureError(`not allowed to signal process ${pid} (another user's?)`, { cause: error });
    throw new CaptureError(`cannot signal process ${pid}: ${(error as Error).message}`, { cause: error });
  }
  const address = { host: '127.0.0.1', port: options.port ?? 9229 };
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await inspectorWebSocketUrl(address, 1_000);
      return address;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new CaptureError(
    `process ${pid} did not open an inspector on ${address.host}:${address.port} after SIGUSR1; is it a Node process (not started with --disable-sigusr1)?`,
    { cause: lastError },
  );
}
