import { markOwn } from '../capture/own-marker.js';
import { readMemoryReadings, type MemoryReadings } from '../runtime/pressure/memory-readings.js';

/** What the endpoint captured: a summary, a snapshot to download, a mark, or a diff since one. */
export type CaptureKind = 'summary' | 'snapshot' | 'mark' | 'since';

/** How a capture ended: done, over its time, refused (too little memory), or failed. */
export type CaptureOutcome = 'ok' | 'timeout' | 'refused' | 'error';

export interface CaptureRecord {
  readonly kind: CaptureKind;
  /** When it started, ms since the epoch. */
  readonly at: number;
  readonly durationMs: number;
  readonly outcome: CaptureOutcome;
}

/** The endpoint's captures so far, for metrics. */
export interface CaptureStats {
  readonly last: CaptureRecord | undefined;
  /** When the last capture that succeeded started, ms since the epoch. */
  readonly lastSuccessAt: number | undefined;
  readonly counts: Readonly<Record<CaptureOutcome, number>>;
  /** Requests turned away because a capture was under way or too recent (429). */
  readonly busy: number;
}

/** Why the guard did not run a capture, as an HTTP answer. */
export interface GuardRefusal {
  readonly status: 429 | 503 | 504 | 500;
  /** Seconds, for `Retry-After`. */
  readonly retryAfter?: number;
  readonly message: string;
}

export type GuardResult<T> = { readonly ok: true; readonly value: T } | ({ readonly ok: false } & GuardRefusal);

export interface CaptureGuardOptions {
  /** Least time from the end of one capture to the start of the next, ms. */
  readonly minInterval: number;
  /** Longest a request waits for a capture, ms (the capture itself cannot be stopped: it is discarded). */
  readonly timeout: number;
  /** Bytes a capture needs, from the memory readings (refused when fewer are available). */
  readonly memoryNeeded: (readings: MemoryReadings) => number;
  /** The memory readings (container-aware); replaceable for tests. */
  readonly readings?: () => MemoryReadings;
}

/** Captures under way in this thread, whichever endpoint runs them (V8 takes one snapshot at a time). */
let capturing = 0;

/**
 * One capture at a time, not too often, not over time, not when memory is short: a heap
 * snapshot pauses the program and takes memory in proportion to the heap.
 */
export class CaptureGuard {
  readonly #options: CaptureGuardOptions;
  #inFlight: Promise<unknown> | undefined;
  #lastEnd = 0;
  #last: CaptureRecord | undefined;
  #lastSuccessAt: number | undefined;
  readonly #counts: Record<CaptureOutcome, number> = { ok: 0, timeout: 0, refused: 0, error: 0 };
  #busy = 0;

  constructor(options: CaptureGuardOptions) {
    this.#options = options;
  }

  get stats(): CaptureStats {
    return { last: this.#last, lastSuccessAt: this.#lastSuccessAt, counts: { ...this.#counts }, busy: this.#busy };
  }

  /** Whether a capture is under way. */
  get busy(): boolean {
    return this.#inFlight !== undefined;
  }

  /** Ms since the last capture ended (Infinity before the first). */
  get sinceLast(): number {
    return this.#lastEnd === 0 ? Infinity : Date.now() - this.#lastEnd;
  }

  async run<T>(kind: CaptureKind, work: () => Promise<T>): Promise<GuardResult<T>> {
    const { minInterval, timeout } = this.#options;
    if (this.#inFlight || capturing > 0) {
      this.#busy++;
      return { ok: false, status: 429, retryAfter: Math.max(1, Math.ceil(minInterval / 1000)), message: 'a capture is under way: try again later' };
    }
    const wait = minInterval - this.sinceLast;
    if (wait > 0) {
      this.#busy++;
      return { ok: false, status: 429, retryAfter: Math.ceil(wait / 1000), message: `the last capture was less than ${minInterval} ms ago: try again in ${Math.ceil(wait / 1000)} s` };
    }
    const start = Date.now();
    const readings = (this.#options.readings ?? readMemoryReadings)();
    const needed = this.#options.memoryNeeded(readings);
    // The capture allocates in the V8 heap too (heapdiff reads the snapshot in this thread): a
    // heap near its limit would end in V8's out-of-memory crash.
    if (readings.heapUsed > HEAP_LIMIT_SHARE * readings.heapLimit) {
      this.#record(kind, start, 'refused');
      return {
        ok: false,
        status: 503,
        retryAfter: Math.max(1, Math.ceil(minInterval / 1000)),
        message: `the V8 heap is at ${Math.round((100 * readings.heapUsed) / readings.heapLimit)}% of its limit (${mb(readings.heapLimit)}): a heap snapshot now could exhaust it`,
      };
    }
    if (readings.available < needed) {
      this.#record(kind, start, 'refused');
      return {
        ok: false,
        status: 503,
        retryAfter: Math.max(1, Math.ceil(minInterval / 1000)),
        message: `not enough free memory for a heap snapshot: ${mb(readings.available)} available (${readings.source}), about ${mb(needed)} needed`,
      };
    }
    capturing++;
    const running = work();
    const settled = running.then(
      () => 'ok' as const,
      () => 'error' as const,
    );
    this.#inFlight = settled;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      // heapdiff's own: a diff since a mark does not count it.
      timer = markOwn(setTimeout(() => resolve('timeout'), timeout));
      timer.unref();
    });
    // The guard stays busy until the capture really ends, even when the request gave up on it.
    void settled.then((outcome) => {
      capturing--;
      this.#inFlight = undefined;
      this.#lastEnd = Date.now();
      if (this.#last?.at !== start && Date.now() - start <= timeout) this.#record(kind, start, outcome);
    });
    let first = await Promise.race([settled, timedOut]);
    clearTimeout(timer);
    // Much of a capture runs without yielding (V8 writes the snapshot in one go), so the timer
    // may fire only after: a capture that took too long is over time all the same.
    if (first !== 'timeout' && Date.now() - start > timeout) first = 'timeout';
    if (first === 'timeout') {
      this.#record(kind, start, 'timeout');
      return { ok: false, status: 504, message: `the capture took longer than ${timeout} ms: its result is dropped` };
    }
    if (first === 'error') {
      const error = await running.catch((e: unknown) => e);
      return { ok: false, status: 500, message: `the capture failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    return { ok: true, value: await running };
  }

  #record(kind: CaptureKind, at: number, outcome: CaptureOutcome): void {
    this.#last = { kind, at, durationMs: Date.now() - at, outcome };
    if (outcome === 'ok') this.#lastSuccessAt = at;
    this.#counts[outcome]++;
  }
}

/** Above this share of V8's heap limit, no capture. */
const HEAP_LIMIT_SHARE = 0.8;

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}
