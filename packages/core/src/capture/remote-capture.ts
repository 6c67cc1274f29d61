import { closeSync, linkSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type WebSocketType from 'ws';
import { AbortedError, CaptureError } from '../errors.js';
import { COMPACTION_BACK_EXPRESSION, COMPACTION_OFF_EXPRESSION } from './allocation-tracking.js';
import { inspectorWebSocketUrl, type InspectorAddress } from './inspector-address.js';
import { isLoopbackHost } from './loopback.js';

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
  /**
   * The pid the inspector must belong to: checked once connected, so that a port held by
   * another process (the target's own inspector failing with "address already in use") is
   * refused instead of snapshotting the wrong program.
   */
  expectPid?: number;
  /** Replace an existing `file` (default true); false refuses it, even one made meanwhile. */
  overwrite?: boolean;
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
export type RemoteSnapshotOptions = Pick<RemoteCaptureOptions, 'gc' | 'onProgress' | 'signal' | 'trackAllocationsUntil' | 'runIfWaitingForDebugger' | 'overwrite'>;

/** The snapshot being written: a temporary file beside the target, renamed when complete. */
interface SnapshotSink {
  file: string;
  temporary: string;
  fd: number;
  open: boolean;
  bytes: number;
  onProgress: RemoteCaptureOptions['onProgress'];
}

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
  readonly #replies = new Map<number, { resolve: (result: unknown) => void; reject: (error: unknown) => void }>();
  #nextId = 1;
  #closed = false;
  #failure: unknown;
  /** Where the snapshot being taken goes (chunks, progress). */
  #sink: SnapshotSink | undefined;

  private constructor(socket: WebSocketType) {
    this.#socket = socket;
    socket.on('message', (data: WebSocketType.RawData) => this.#receive(data));
    socket.on('error', (error) => this.#fail(new CaptureError(`the inspector connection failed: ${error.message}`, { cause: error })));
    socket.on('close', () =>
      this.#fail(new CaptureError(`the inspector connection closed${this.#sink ? ' before the snapshot was complete' : ''} (did the process exit?)`)),
    );
  }

  /** Connects to the inspector at `address` (loopback only, unless `allowRemote`). */
  static async connect(address: InspectorAddress, options: Pick<RemoteCaptureOptions, 'allowRemote' | 'timeoutMs' | 'signal' | 'expectPid'> = {}): Promise<RemoteHeapSession> {
    if (typeof address?.host !== 'string' || address.host === '' || !Number.isInteger(address.port)) {
      throw new CaptureError(`captureRemoteSnapshot needs an address { host, port }, got ${JSON.stringify(address)}`);
    }
    if (!isLoopbackHost(address.host) && !options.allowRemote) {
      throw new CaptureError(
        `${address.host} is not a loopback address; an inspector gives full control of its process, so pass allowRemote (--allow-remote) to capture over the network`,
      );
    }
    const url = await inspectorWebSocketUrl(address, options.timeoutMs);
    // The address the inspector points to is held to the same rule as the one asked for.
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (error) {
      throw new CaptureError(`the inspector at ${address.host}:${address.port} gave a WebSocket address that is not a URL: ${JSON.stringify(url).slice(0, 120)}`, { cause: error });
    }
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
      throw new CaptureError(`the inspector at ${address.host}:${address.port} gave a WebSocket address that is not ws:// (${JSON.stringify(url).slice(0, 120)}): not a Node inspector`);
    }
    const socketHost = parsed.hostname;
    if (!isLoopbackHost(socketHost) && !options.allowRemote) {
      throw new CaptureError(
        `the inspector at ${address.host}:${address.port} points to ${socketHost}, which is not a loopback address; heapdiff connects only to this machine unless allowRemote (--allow-remote) is given`,
      );
    }
    const { default: WebSocket } = await import('ws');
    const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 1 << 30 });
    await new Promise<void>((resolve, reject) => {
      // A port that takes the connection and never answers is not waited for forever.
      const timeoutMs = options.timeoutMs ?? 10_000;
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new CaptureError(`the inspector at ${socketHost}:${parsed.port} did not answer the WebSocket handshake within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      socket.once('open', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new CaptureError(`the inspector connection failed: ${error.message}`, { cause: error }));
      });
    });
    const session = new RemoteHeapSession(socket);
    if (options.expectPid !== undefined) await session.#checkPid(options.expectPid, address);
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
    // Written beside the target and renamed when complete: a failure leaves `file` as it was.
    const temporary = join(dirname(file), `.${basename(file)}.${process.pid}-${Date.now().toString(36)}.partial`);
    let fd: number;
    try {
      // Readable by its owner only: a heap snapshot holds whatever the program held (keys, tokens).
      fd = openSync(temporary, 'wx', 0o600);
    } catch (error) {
      throw new CaptureError(`cannot write the snapshot to ${file}: ${(error as Error).message}`, { cause: error, file });
    }
    const sink: SnapshotSink = { file, temporary, fd, open: true, bytes: 0, onProgress: options.onProgress };
    this.#sink = sink;
    // An abort ends this snapshot at once (its file removed synchronously, so that a caller
    // exiting on a signal right after leaves nothing behind) but not the session: it can still
    // put the process back as it was (`release`). Chunks still coming are dropped.
    let abort: (error: unknown) => void = () => {};
    const aborted = new Promise<never>((_resolve, reject) => (abort = reject));
    aborted.catch(() => {});
    const onAbort = (): void => {
      discard(sink);
      abort(new AbortedError(undefined, { cause: options.signal?.reason }));
    };
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const step = <T>(promise: Promise<T> | PromiseLike<T>): Promise<T> => Promise.race([promise, aborted]);
    // The process finishes writing an aborted snapshot anyway: the next one waits for it.
    await step(this.#streaming);
    try {
      const tracking = options.trackAllocationsUntil;
      if (tracking) {
        void this.#send('Runtime.evaluate', { expression: COMPACTION_OFF_EXPRESSION }).catch(() => {});
        this.#tracking = true;
        await step(this.#send('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true }));
      }
      if (options.runIfWaitingForDebugger) void this.#send('Runtime.runIfWaitingForDebugger').catch(() => {});
      if (tracking) {
        await step(Promise.race([tracking, this.#closedPromise()]));
        this.#throwIfClosed();
      }
      if (options.gc ?? true) void this.#send('HeapProfiler.collectGarbage').catch(() => {});
      const written = this.#send(tracking ? 'HeapProfiler.stopTrackingHeapObjects' : 'HeapProfiler.takeHeapSnapshot', { reportProgress: Boolean(options.onProgress) });
      this.#writing = true;
      this.#streaming = written.catch(() => {}).finally(() => (this.#writing = false));
      await step(written);
      if (tracking) {
        this.#tracking = false;
        await step(this.#send('Runtime.evaluate', { expression: COMPACTION_BACK_EXPRESSION }));
      }
      this.#throwIfClosed();
      if (!sink.open) throw new AbortedError(undefined, { cause: options.signal?.reason });
      sink.open = false;
      closeSync(fd);
      place(sink, options.overwrite ?? true);
    } catch (error) {
      // Never leave a partial file that looks like a snapshot.
      discard(sink);
      throw error instanceof CaptureError || error instanceof AbortedError
        ? error
        : new CaptureError(`the snapshot failed: ${(error as Error).message}`, { cause: error });
    } finally {
      if (this.#sink === sink) this.#sink = undefined;
      options.signal?.removeEventListener('abort', onAbort);
    }
    return { file, bytes: sink.bytes };
  }

  /**
   * Resolves once the program has run a timer set `ms` from now: for a program just started,
   * after its main module has run (timers wait for it) and its start-up has had `ms` more —
   * a server listening by then. Rejects if the session ends first, or with an `AbortedError`
   * when `signal` aborts.
   *
   * @example
   * const session = await RemoteHeapSession.connect(address)
   * await session.settle(1000)
   * await session.snapshot('s0.heapsnapshot')
   */
  async settle(ms: number, options: { signal?: AbortSignal } = {}): Promise<void> {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new TypeError(`settle: takes milliseconds from 0, got ${String(ms)}`);
    this.#throwIfClosed();
    const { signal } = options;
    if (signal?.aborted) throw new AbortedError(undefined, { cause: signal.reason });
    let onAbort = (): void => {};
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => reject(new AbortedError(undefined, { cause: signal?.reason }));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => {});
    try {
      await Promise.race([this.#send('Runtime.evaluate', { expression: `new Promise((resolve) => setTimeout(resolve, ${Math.round(ms)}))`, awaitPromise: true }), aborted]);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
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
  #programEnded = false;
  #writing = false;

  /**
   * Whether the process is writing a snapshot: from the request until its last chunk, an
   * aborted one included — V8 cannot stop a snapshot midway, and the process may hold much
   * more memory meanwhile.
   */
  get writing(): boolean {
    return this.#writing;
  }

  /**
   * Whether the program ended (exited or crashed) while connected: Node then keeps its process
   * only until the inspector lets go, and prints an uncaught error only after that.
   */
  get programEnded(): boolean {
    return this.#programEnded;
  }

  /** The process writing a snapshot (settles when it has sent the last chunk). */
  #streaming: Promise<unknown> = Promise.resolve();

  /**
   * Leaves the process as it was found, then closes: tracking off (closing the session ends
   * it) with heap compaction back on, and with `closeInspector` the inspector closed too (for a
   * process whose inspector heapdiff opened with SIGUSR1). Waits at most `timeoutMs` for the
   * process to answer; never throws.
   */
  async release(options: { closeInspector?: boolean; timeoutMs?: number } = {}): Promise<void> {
    if (this.#closed) return;
    const steps: Promise<unknown>[] = [];
    if (this.#tracking) steps.push(this.#send('Runtime.evaluate', { expression: COMPACTION_BACK_EXPRESSION }));
    // The process's inspector.close() (in a later turn of its loop) closes this connection
    // itself; heapdiff only answers. Closing from both ends at once crashes Node: its inspector
    // thread then runs a close frame's write callback for a connection already torn down
    // (SIGSEGV in WsHandler::OnCloseFrameWritten, seen in 3 of 120 captures under load).
    if (options.closeInspector) steps.push(this.#send('Runtime.evaluate', { expression: CLOSE_INSPECTOR_EXPRESSION }).then(() => this.#closedPromise()));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(steps),
      new Promise((resolve) => (timer = setTimeout(resolve, options.timeoutMs ?? 2_000))),
    ]);
    clearTimeout(timer);
    // Not closed by then: let go without a close frame of heapdiff's own.
    if (options.closeInspector) this.#fail(new CaptureError('the inspector session was closed'));
    else this.close();
  }

  /** Closes the connection (the process's heap profiler turns off: its ids start anew). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#failure ??= new CaptureError('the inspector session was closed');
    this.#socket.close();
    for (const { reject } of this.#replies.values()) reject(this.#failure);
    this.#replies.clear();
  }

  #send(method: string, params: object = {}): Promise<unknown> {
    this.#throwIfClosed();
    const id = this.#nextId++;
    this.#socket.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.#replies.set(id, { resolve, reject }));
  }

  /** Refuses an inspector that belongs to another process than `pid`. */
  async #checkPid(pid: number, address: InspectorAddress): Promise<void> {
    let answer: unknown;
    try {
      answer = await this.#send('Runtime.evaluate', { expression: 'process.pid', returnByValue: true });
    } catch (error) {
      this.close();
      throw new CaptureError(`cannot ask the inspector at ${address.host}:${address.port} which process it belongs to: ${(error as Error).message}`, { cause: error });
    }
    const actual = (answer as { result?: { value?: unknown } } | undefined)?.result?.value;
    if (actual !== pid) {
      this.close();
      throw new CaptureError(
        `the inspector at ${address.host}:${address.port} belongs to process ${String(actual)}, not ${pid}: another process holds that port. Start ${pid} with --inspect-port=PORT (or --inspect=127.0.0.1:PORT) and pass --port PORT`,
      );
    }
  }

  #receive(data: WebSocketType.RawData): void {
    let message: { id?: number; method?: string; params?: { chunk?: string; done?: number; total?: number }; result?: unknown; error?: { message: string } };
    try {
      message = JSON.parse(data.toString());
    } catch (error) {
      return this.#fail(new CaptureError('the inspector sent a message that is not JSON', { cause: error }));
    }
    if (message.method === 'NodeRuntime.waitingForDisconnect') {
      this.#programEnded = true;
      this.#fail(new CaptureError('the program has ended (it exited or crashed); its process waits only for the inspector to let go'));
    } else if (message.method === 'HeapProfiler.addHeapSnapshotChunk') {
      const sink = this.#sink;
      if (sink?.open) {
        try {
          sink.bytes += writeSync(sink.fd, message.params!.chunk!);
        } catch (error) {
          const reason = (error as NodeJS.ErrnoException).code === 'ENOSPC' ? 'no space left on the device' : (error as Error).message;
          this.#fail(new CaptureError(`cannot write the snapshot to ${sink.file}: ${reason} (after ${sink.bytes.toLocaleString('en-US')} bytes)`, { cause: error, file: sink.file }));
        }
      }
    } else if (message.method === 'HeapProfiler.reportHeapSnapshotProgress') {
      if (this.#sink?.open) this.#sink.onProgress?.({ done: message.params!.done!, total: message.params!.total! });
    } else if (message.id !== undefined) {
      const reply = this.#replies.get(message.id);
      this.#replies.delete(message.id);
      if (message.error) reply?.reject(new CaptureError(`the inspector refused a command: ${message.error.message}`));
      else reply?.resolve(message.result);
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

/** Run in the target: closes its inspector once the session asking has let go. */
const CLOSE_INSPECTOR_EXPRESSION = `setImmediate(() => typeof process._debugEnd === 'function' && process._debugEnd()), undefined`;

/** Removes a snapshot's temporary file (never the target): after a failure or an abort. */
function discard(sink: SnapshotSink): void {
  if (sink.open) {
    sink.open = false;
    try {
      closeSync(sink.fd);
    } catch {
      // already closed
    }
  }
  rmSync(sink.temporary, { force: true });
}

/** Gives the complete snapshot its name: replacing `file`, or refusing one that exists. */
function place(sink: SnapshotSink, overwrite: boolean): void {
  try {
    if (overwrite) renameSync(sink.temporary, sink.file);
    else {
      // A link fails when the name is taken, even by a file made since the capture began.
      linkSync(sink.temporary, sink.file);
      rmSync(sink.temporary, { force: true });
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new CaptureError(`${sink.file} exists; choose another name, or replace it (--force)`, { cause: error, file: sink.file });
    throw new CaptureError(`cannot write the snapshot to ${sink.file}: ${(error as Error).message}`, { cause: error, file: sink.file });
  }
}
