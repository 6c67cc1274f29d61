import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

/** V8's kinds of garbage collection, as OpenTelemetry names them (`v8js.gc.type`). */
export type GcKind = 'major' | 'minor' | 'incremental' | 'weakcb';

export const GC_KINDS: readonly GcKind[] = ['major', 'minor', 'incremental', 'weakcb'];

const KIND_OF: Readonly<Record<number, GcKind>> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/** Garbage collections seen since observing began: count and pause time by kind. */
export interface GcTotals {
  readonly count: Readonly<Record<GcKind, number>>;
  readonly seconds: Readonly<Record<GcKind, number>>;
}

type GcListener = (kind: GcKind, seconds: number) => void;

/**
 * Counts garbage collections and their pauses by kind, from `perf_hooks` (one observer for the
 * process however many collectors use it, running while at least one does).
 */
class GcObserver {
  readonly #count: Record<GcKind, number> = { major: 0, minor: 0, incremental: 0, weakcb: 0 };
  readonly #seconds: Record<GcKind, number> = { major: 0, minor: 0, incremental: 0, weakcb: 0 };
  readonly #listeners = new Set<GcListener>();
  #observer: PerformanceObserver | undefined;
  #users = 0;

  get totals(): GcTotals {
    return { count: { ...this.#count }, seconds: { ...this.#seconds } };
  }

  /** Starts observing (if not yet); the returned function stops this use. */
  use(listener?: GcListener): () => void {
    if (listener) this.#listeners.add(listener);
    if (this.#users++ === 0) {
      this.#observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) this.#record(entry);
      });
      this.#observer.observe({ entryTypes: ['gc'] });
    }
    let used = true;
    return () => {
      if (!used) return;
      used = false;
      if (listener) this.#listeners.delete(listener);
      if (--this.#users === 0) {
        this.#observer?.disconnect();
        this.#observer = undefined;
      }
    };
  }

  #record(entry: PerformanceEntry): void {
    const detail = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail;
    const kind = KIND_OF[detail?.kind ?? -1];
    if (!kind) return;
    const seconds = entry.duration / 1000;
    this.#count[kind]++;
    this.#seconds[kind] += seconds;
    for (const listener of this.#listeners) listener(kind, seconds);
  }
}

/** The process's one GC observer. */
export const gcObserver = new GcObserver();
