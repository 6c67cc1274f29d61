import { Session } from 'node:inspector';
import { CaptureError } from '../errors.js';
import { markOwn } from './own-marker.js';

let session: Session | undefined;
let queue: Promise<void> = markOwn(Promise.resolve());
/** Where snapshot chunks go; set for the duration of one snapshot. */
let chunkConsumer: ((chunk: string) => void) | undefined;
/** Whether a snapshot is being taken (its chunks go to `chunkConsumer`), and who wait to take one. */
let snapshotInFlight = false;
const snapshotTurns: (() => void)[] = [];
/** Who wait for the next `lastSeenObjectId` (sent while heap objects are tracked). */
const lastSeenWaiters: ((id: number) => void)[] = [];

/**
 * Routes the inspector's snapshot chunks to `consumer` (undefined: drop them). One listener is
 * registered for the session's whole life, so taking a snapshot adds no listener — adding one
 * would itself allocate, inside the heap being measured.
 */
export function setChunkConsumer(consumer: ((chunk: string) => void) | undefined): void {
  chunkConsumer = consumer;
}

/**
 * Runs `start` — which sends a snapshot's commands and sets the chunk consumer — now if no
 * snapshot is being taken, else when those before it are done (`snapshotDone`): on Node 22
 * and after chunks come after the command returns, and two snapshots' chunks must not mix.
 * Waiting allocates nothing new but an array slot, since `start` is made in advance.
 */
export function whenNoSnapshot(start: () => void): void {
  if (snapshotInFlight) {
    snapshotTurns.push(start);
    return;
  }
  snapshotInFlight = true;
  start();
}

/**
 * The snapshot being taken is done (replied to, failed or not): chunks are dropped again, and
 * the next waiting one starts once this call's stack is done. `schedule` runs it (heapdiff's
 * marked, real `setImmediate`).
 */
export function snapshotDone(schedule: (next: () => void) => void): void {
  chunkConsumer = undefined;
  const next = snapshotTurns.shift();
  if (next) schedule(next);
  else snapshotInFlight = false;
}

/**
 * Resolves with the highest object id V8 has given at its next heap-statistics update: while
 * heap objects are tracked, V8 numbers every new object every 50 ms (when the event loop
 * turns) and reports the highest id.
 */
export function nextLastSeenObjectId(): Promise<number> {
  heapProfilerSession();
  return new Promise((resolve) => lastSeenWaiters.push(resolve));
}

/**
 * The thread's one long-lived inspector session, connected to this thread's own isolate (the
 * main thread's, or a worker's). HeapProfiler is enabled once and never disabled: disabling it
 * resets the object ids that relate snapshots of one process.
 */
export function heapProfilerSession(): Session {
  if (!session) {
    session = new Session();
    session.connect();
    session.on('HeapProfiler.addHeapSnapshotChunk', (message: { params: { chunk: string } }) => chunkConsumer?.(message.params.chunk));
    session.on('HeapProfiler.lastSeenObjectId', (message: { params: { lastSeenObjectId: number } }) => {
      // Emptied in place: a new array here would be an object newer than a mark's baseline.
      for (const waiter of lastSeenWaiters) waiter(message.params.lastSeenObjectId);
      lastSeenWaiters.length = 0;
    });
    session.post('HeapProfiler.enable');
  }
  return session;
}

/** Sends one inspector command; resolves with its result (the callback may come at once or later). */
export function post<T = unknown>(method: string, params: object = {}): Promise<T> {
  const s = heapProfilerSession();
  return new Promise<T>((resolve, reject) => {
    s.post(method, params, (error, result) => {
      if (error) reject(new CaptureError(`the inspector refused ${method}: ${error.message}`, { cause: error }));
      else resolve(result as T);
    });
  });
}

/** Runs `task` after every earlier one: snapshots of one session must not interleave. */
export function serialized<T>(task: () => Promise<T>): Promise<T> {
  // The task is on the stack while the snapshot is built (Node 20), with what its closure
  // holds (the caller's sink and options): heapdiff's own, not the program's.
  markOwn(task);
  const run = queue.then(task, task);
  // Settled with nothing: the queue must not keep the last task's result (a whole heap graph).
  // heapdiff's own: a diff must not count it (it is renewed by every snapshot).
  queue = markOwn(run.then(settled, settled));
  return run;
}

function settled(): void {}
