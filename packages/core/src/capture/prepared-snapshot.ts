import { HeapGraph } from '../graph/heap-graph.js';
import { SnapshotParser } from '../parser/snapshot-parser.js';
import { allocationTrackingEnded } from './allocation-tracking.js';
import { CaptureError } from '../errors.js';
import { heapProfilerSession, setChunkConsumer } from './inspector-session.js';

// Not Buffer.from: small Buffers come from Node's shared pool, whose refills would count as
// the program's allocations in a relative-heap diff.
const utf8 = new TextEncoder();
const STOP_TRACKING = 'HeapProfiler.stopTrackingHeapObjects';

/**
 * A heap snapshot made ready in advance: every callback, parameter object and promise it needs
 * exists before `take()` is called, and the parser is created only after V8 has built the
 * snapshot. So the snapshot that `take()` captures holds nothing heapdiff allocated for it
 * (only the inspector's own message, which only the stack holds). This is what lets a
 * relative-heap diff come back empty when the program allocated nothing.
 *
 * Single use: `take()` once.
 */
export class PreparedSnapshot {
  readonly #session = heapProfilerSession();
  readonly #gc: boolean;
  /** takeHeapSnapshot, or stopTrackingHeapObjects: the snapshot that also ends tracking. */
  #method = 'HeapProfiler.takeHeapSnapshot';
  readonly #params = { reportProgress: false };
  readonly #promise: Promise<HeapGraph>;
  #resolve!: (graph: HeapGraph) => void;
  #reject!: (error: unknown) => void;
  #parser: SnapshotParser | undefined;
  #failure: unknown;
  #used = false;
  readonly #onChunk = (chunk: string): void => {
    if (this.#failure !== undefined) return;
    try {
      this.#parser ??= new SnapshotParser();
      this.#parser.push(utf8.encode(chunk));
    } catch (error) {
      this.#failure = error;
    }
  };
  readonly #afterGc = (error: Error | null): void => {
    if (error) this.#gcError = error;
  };
  #gcError: Error | undefined;
  readonly #afterSnapshot = (error: Error | null): void => {
    setChunkConsumer(undefined);
    if (this.#method === STOP_TRACKING) allocationTrackingEnded();
    if (this.#gcError) return this.#fail(this.#gcError, 'HeapProfiler.collectGarbage');
    if (error) return this.#fail(error, this.#method);
    if (this.#failure !== undefined) return this.#reject(this.#failure);
    const parser = this.#parser ?? new SnapshotParser();
    parser.finish().then((parsed) => this.#resolve(new HeapGraph(parsed)), this.#reject);
  };

  constructor(options: { gc?: boolean } = {}) {
    this.#gc = options.gc ?? true;
    this.#promise = new Promise<HeapGraph>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#promise.catch(() => {});
  }

  /**
   * Takes the snapshot now (garbage collected first unless `gc: false`). The inspector runs
   * both commands during these two calls — only their replies and chunks may come later (Node
   * 22 and after) — so the snapshot is built before this returns, on every Node version.
   * `stopsTracking`: the snapshot that ends heap-object tracking (see allocation-tracking.ts).
   */
  take(stopsTracking = false): Promise<HeapGraph> {
    if (this.#used) return Promise.reject(new CaptureError('a prepared snapshot can be taken only once'));
    this.#used = true;
    if (stopsTracking) this.#method = STOP_TRACKING;
    setChunkConsumer(this.#onChunk);
    if (this.#gc) this.#session.post('HeapProfiler.collectGarbage', this.#afterGc);
    this.#session.post(this.#method, this.#params, this.#afterSnapshot);
    return this.#promise;
  }

  #fail(error: Error, method: string): void {
    setChunkConsumer(undefined);
    this.#reject(new CaptureError(`the inspector refused ${method}: ${error.message}`, { cause: error }));
  }
}
