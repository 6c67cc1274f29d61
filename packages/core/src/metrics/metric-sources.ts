import type { CaptureStats } from '../server/capture-guard.js';

/** Where the pressure level comes from: a `MemoryPressureManager`, or anything with a numeric `level`. */
export interface PressureSource {
  readonly level: number;
}

/** Where the capture figures come from: a `memoryEndpoint`. */
export interface CaptureSource {
  readonly captures: CaptureStats;
}

/** What both registrations can report besides memory: a pressure manager's level, an endpoint's captures. */
export interface MetricSources {
  /** A running `MemoryPressureManager`: its level is reported. */
  readonly pressure?: PressureSource;
  /** A `memoryEndpoint`: its last capture's time and duration, its last success, its captures by outcome and its 429s. */
  readonly endpoint?: CaptureSource;
}

/** Refuses, at registration, sources that would fail every collection later. */
export function checkSources(who: string, pressure: unknown, endpoint: unknown): void {
  if (pressure !== undefined) {
    let level: unknown;
    try {
      level = (pressure as PressureSource).level;
    } catch (error) {
      throw new TypeError(`${who}: pressure.level threw: ${(error as Error).message}`);
    }
    if (typeof level !== 'number') throw new TypeError(`${who}: pressure must have a numeric level (a MemoryPressureManager), got ${String(level)}`);
  }
  if (endpoint !== undefined) {
    const captures = (endpoint as Partial<CaptureSource> | null)?.captures;
    if (!captures || typeof captures !== 'object' || typeof captures.counts !== 'object') {
      throw new TypeError(`${who}: endpoint must be a memoryEndpoint (it has captures), got ${String(endpoint)}`);
    }
  }
}

/** A number read from user code, or undefined when it throws or is not a finite number: one bad source never breaks the rest. */
export function safely(read: () => number): number | undefined {
  try {
    const value = read();
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
