import { allocationTrackingEnded, allocationTrackingHeld } from './allocation-tracking.js';
import { CaptureError } from '../errors.js';
import { heapProfilerSession, setChunkConsumer, snapshotDone, whenNoSnapshot } from './inspector-session.js';
import { markOwn } from './own-marker.js';
import { immediately } from './real-timers.js';

const TAKE = 'HeapProfiler.takeHeapSnapshot';
const STOP_TRACKING = 'HeapProfiler.stopTrackingHeapObjects';
const GC = 'HeapProfiler.collectGarbage';
const DISCARD_CONSOLE = 'Runtime.discardConsoleEntries';

/**
 * Where a snapshot's text goes as it streams: parsed, written to a file, or both
 * (snapshot-sinks.ts). Chunks come in order, synchronously during `take()` on Node 20, later
 * on Node 22 and after.
 */
export interface SnapshotSink<T> {
  /** The next chunk of the snapshot's JSON text. A throw fails the snapshot; later chunks are dropped. */
  write(chunk: string): void;
  /** After the last chunk: the result. */
  end(): Promise<T>;
  /** The snapshot failed: let go of what the sink holds (an open file). Does not throw. */
  abort(): void;
  /**
   * Called before a snapshot taken while allocation tracking is on is sent (the one that ends
   * tracking, or any other while a mark holds it). V8 writes that snapshot's allocation trace
   * tree while it delivers the chunks, and code run from `write` that
   * allocates along stacks it has not allocated along before (a parser reaching a new
   * section) adds nodes to the tree V8 is walking: Node 20 and 22 then crash (SIGSEGV in
   * `SerializeTraceNode`). A sink that does more than keep a chunk does it in `end()`.
   */
  holdUntilEnd?(): void;
}

/**
 * Takes one heap snapshot of this thread's heap — garbage collected first unless `gc: false`
 * — and routes its chunks to a sink: the one capture flow, for `takeSnapshot`,
 * `writeSnapshot` and marks' diffs alike.
 *
 * Made ready in advance: every callback, parameter object and promise it needs exists before
 * `take()` is called, and a sink allocates only once V8 has built the snapshot (a parser at
 * the first chunk). So the snapshot that `take()` captures holds nothing heapdiff allocated for
 * it (only the inspector's own message, which only the stack holds). The object, its promise
 * and its callbacks carry heapdiff's own marker (own-marker.ts): the inspector session holds
 * the callbacks while the commands are in flight, and the caller's `await` hangs on the promise,
 * and a relative-heap diff must count none of it. This is what lets a diff come back empty when
 * the program allocated nothing.
 *
 * Not serialised by itself: `takeSnapshot` and `writeSnapshot` take it under `serialized`
 * (inspector-session.ts); a mark's diff takes it directly (`takeOnCleanStack`), since queuing
 * would allocate after the baseline. Single use: take it once.
 */
export class PreparedSnapshot<T> {
  readonly #session = heapProfilerSession();
  #sink: SnapshotSink<T> | undefined;
  readonly #gc: boolean;
  /** takeHeapSnapshot, or stopTrackingHeapObjects: the snapshot that also ends tracking. */
  #method = TAKE;
  readonly #params = { reportProgress: false };
  #promise: Promise<T> | undefined;
  #resolve!: (result: T) => void;
  #reject!: (error: unknown) => void;
  #used = false;
  /** Whether the commands have been sent (the snapshot is being or has been built). */
  sent = false;
  /** Whether this snapshot ended allocation tracking (`take(true)`, and V8 did it). */
  stoppedTracking = false;
  #sinkFailed = false;
  #sinkError: unknown;
  #gcError: Error | undefined;
  readonly #onChunk = (chunk: string): void => {
    if (this.#sinkFailed) return;
    try {
      this.#sink!.write(chunk);
    } catch (error) {
      this.#sinkFailed = true;
      this.#sinkError = error;
    }
  };
  readonly #afterGc = (error: Error | null): void => {
    if (error) this.#gcError = error;
  };
  readonly #afterSnapshot = (error: Error | null): void => {
    snapshotDone(immediately);
    if (this.#method === STOP_TRACKING && !error) {
      this.stoppedTracking = true;
      allocationTrackingEnded();
    }
    const sink = this.#sink!;
    if (this.#gcError || error || this.#sinkFailed) {
      sink.abort();
      if (this.#gcError) this.#reject(refused(GC, this.#gcError));
      else if (error) this.#reject(refused(this.#method, error));
      else this.#reject(this.#sinkError);
      this.#release();
      return;
    }
    sink.end().then(this.#resolve, this.#reject).finally(this.#release);
  };
  /**
   * Lets go of the sink and the settled promise (which holds the result: a whole graph). An
   * inspector reply that comes after the snapshot (the GC's, on some Node versions) keeps its
   * callback, and so this object, alive until the event loop turns: it must not keep the
   * result alive with it.
   */
  readonly #release = (): void => {
    this.#sink = undefined;
    this.#promise = undefined;
    // The resolving functions' context holds the promise too.
    this.#resolve = settled;
    this.#reject = settled;
  };

  constructor(sink: SnapshotSink<T>, options: { gc?: boolean } = {}) {
    this.#sink = sink;
    this.#gc = options.gc ?? true;
    this.#promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Marked, like every handler hung on the promise: a diff walks what waits for it.
    this.#promise.catch(ignoreRejection);
    markOwn(this);
    markOwn(this.#promise);
    markOwn(this.#onChunk);
    markOwn(this.#afterGc);
    markOwn(this.#afterSnapshot);
    markOwn(this.#release);
    markOwn(this.#fire);
    markOwn(this.#send);
  }

  /** Takes the snapshot as soon as no other is being taken (see whenNoSnapshot). */
  readonly #fire = (): void => whenNoSnapshot(this.#send);
  /** Sends the commands: the snapshot is built during these calls (Node 20) or right after. */
  readonly #send = (): void => {
    this.sent = true;
    setChunkConsumer(this.#onChunk);
    try {
      // While a session is connected V8 keeps the arguments of the last 1,000 console messages
      // for it: heapdiff's session would make everything the program logs look alive.
      this.#session.post(DISCARD_CONSOLE);
      if (this.#gc) this.#session.post(GC, this.#afterGc);
      this.#session.post(this.#method, this.#params, this.#afterSnapshot);
    } catch (error) {
      // Not sent (a session that cannot post): no reply will come to end the snapshot.
      this.#afterSnapshot(error as Error);
    }
  };

  /**
   * Takes the snapshot now, from the caller's stack: Node 20 builds it during this call, Node
   * 22 and after once the current task and its microtasks are done (only the replies and the
   * chunks come later). `stopsTracking`: the snapshot that ends heap-object tracking (see
   * allocation-tracking.ts).
   */
  take(stopsTracking = false): Promise<T> {
    if (this.#used) return alreadyTaken();
    // Kept before sending: a snapshot that fails at once lets go of the promise.
    const promise = this.#start(stopsTracking);
    this.#fire();
    return promise;
  }

  /**
   * Takes the snapshot from a clean stack: in an immediate (the event loop's next check
   * phase, armed with a callback made in advance), once the caller has reached its `await`.
   * Every caller is then suspended, its locals in its generator object, which the
   * promise this returns leads to (awaiting-frames.ts): how a relative-heap diff counts what
   * the caller's locals hold. The immediate is heapdiff's own too.
   */
  takeOnCleanStack(stopsTracking = false): Promise<T> {
    if (this.#used) return alreadyTaken();
    const promise = this.#start(stopsTracking);
    immediately(this.#fire);
    return promise;
  }

  #start(stopsTracking: boolean): Promise<T> {
    this.#used = true;
    if (stopsTracking) this.#method = STOP_TRACKING;
    // Any snapshot V8 writes an allocation trace tree into: the one that ends tracking, and an
    // inner mark's diff while an outer mark still tracks.
    if (stopsTracking || allocationTrackingHeld()) this.#sink!.holdUntilEnd?.();
    return this.#promise!;
  }
}

/** A failed snapshot rejects its promise whether or not anyone awaits it. */
const ignoreRejection = markOwn((): void => {});

function alreadyTaken(): Promise<never> {
  return Promise.reject(new CaptureError('a prepared snapshot can be taken only once'));
}

/** What the resolving functions become once the promise is settled. */
function settled(): void {}

function refused(method: string, error: Error): CaptureError {
  return new CaptureError(`the inspector refused ${method}: ${error.message}`, { cause: error });
}
