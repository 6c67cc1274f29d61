import { EventEmitter } from 'node:events';
import type { Condition } from './conditions.js';
import { heapDump, type HeapDumpOptions } from './heap-dump.js';
import { readMemoryReadings, type MemoryReadings } from './memory-readings.js';

export type PressureHandler = (event: { level: number; readings: MemoryReadings }) => void | Promise<void>;

export interface MemoryPressureOptions {
  /** Level k (1-based) is in effect when `levels[k - 1]` holds; the highest holding level wins. */
  levels: readonly Condition[];
  /** How often to look, in ms (default 1000). */
  interval?: number;
  /** How often "remain" handlers fire while a level lasts, at most, in ms (default 10 000). */
  remainInterval?: number;
  /** Where readings come from (tests inject them). */
  readMemory?: () => MemoryReadings;
  /** The clock (tests inject it). */
  now?: () => number;
}

/**
 * Watches memory against severity levels and runs handlers as they change — satella's
 * memory pressure manager for Node. Level 0 is normal. Entering a higher level fires the
 * "enter" handlers of every level on the way, in order; leaving fires the "leave" handlers in
 * reverse; staying fires "remain" handlers, throttled. Handlers may be async; one that throws
 * is reported as an `error` event and the manager goes on. Timers are unref'd, so the manager
 * never keeps a process alive. Managers are independent: make as many as you like.
 *
 * @example
 * const manager = new MemoryPressureManager({ levels: [rssAboveFraction(0.7), rssAboveFraction(0.9)] })
 * manager.onEnter(1, () => cache.clear())
 * manager.onEnter(2, forceGc())
 * manager.start()
 */
export class MemoryPressureManager extends EventEmitter {
  readonly #levels: readonly Condition[];
  readonly #interval: number;
  readonly #remainInterval: number;
  readonly #read: () => MemoryReadings;
  readonly #now: () => number;
  readonly #handlers = new Map<string, PressureHandler[]>();
  readonly #lastRemain = new Map<number, number>();
  #level = 0;
  /** The last error a handler threw (also emitted as an `error` event when someone listens). */
  lastError: Error | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();

  constructor(options: MemoryPressureOptions) {
    super();
    if (options.levels.length === 0) throw new TypeError('MemoryPressureManager needs at least one level');
    this.#levels = options.levels;
    this.#interval = options.interval ?? 1000;
    this.#remainInterval = options.remainInterval ?? 10_000;
    this.#read = options.readMemory ?? (() => readMemoryReadings());
    this.#now = options.now ?? Date.now;
  }

  /** The level in effect: 0 normal, up to the number of levels. */
  get level(): number {
    return this.#level;
  }

  onEnter(level: number, handler: PressureHandler): this {
    return this.#add('enter', level, handler);
  }

  onLeave(level: number, handler: PressureHandler): this {
    return this.#add('leave', level, handler);
  }

  /** Runs while `level` lasts, at most once per `remainInterval`. */
  onRemain(level: number, handler: PressureHandler): this {
    return this.#add('remain', level, handler);
  }

  /**
   * On entering `level`, writes a heap snapshot to `options.dir` (see {@link heapDump}: at most
   * `maxFiles` kept, never more often than `minInterval`, refused without the disk or memory).
   */
  dumpHeapOn(level: number, options: HeapDumpOptions): this {
    return this.onEnter(level, heapDump(options));
  }

  #add(kind: string, level: number, handler: PressureHandler): this {
    if (!Number.isInteger(level) || level < 1 || level > this.#levels.length) {
      throw new RangeError(`level must be 1..${this.#levels.length}, got ${level}`);
    }
    const key = `${kind}:${level}`;
    this.#handlers.set(key, [...(this.#handlers.get(key) ?? []), handler]);
    return this;
  }

  start(): this {
    if (!this.#timer) {
      this.#timer = setInterval(() => void this.check(), this.#interval);
      this.#timer.unref();
    }
    return this;
  }

  stop(): this {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    return this;
  }

  /** Looks once now and fires what the change calls for; checks never overlap. */
  check(): Promise<void> {
    this.#running = this.#running.then(() => this.#check());
    return this.#running;
  }

  async #check(): Promise<void> {
    const readings = this.#read();
    let next = 0;
    for (let k = this.#levels.length; k >= 1; k--) {
      if (this.#levels[k - 1]!(readings)) {
        next = k;
        break;
      }
    }
    const previous = this.#level;
    this.#level = next;
    if (next > previous) {
      for (let k = previous + 1; k <= next; k++) {
        this.#lastRemain.set(k, this.#now());
        await this.#fire('enter', k, readings);
      }
    } else if (next < previous) {
      for (let k = previous; k > next; k--) await this.#fire('leave', k, readings);
    } else if (next > 0) {
      const last = this.#lastRemain.get(next) ?? 0;
      if (this.#now() - last >= this.#remainInterval) {
        this.#lastRemain.set(next, this.#now());
        await this.#fire('remain', next, readings);
      }
    }
  }

  async #fire(kind: string, level: number, readings: MemoryReadings): Promise<void> {
    this.emit(kind, { level, readings });
    for (const handler of this.#handlers.get(`${kind}:${level}`) ?? []) {
      try {
        await handler({ level, readings });
      } catch (error) {
        const reported = Object.assign(error instanceof Error ? error : new Error(String(error)), { level, kind });
        this.lastError = reported;
        // An 'error' event without a listener would throw: the manager must go on regardless.
        if (this.listenerCount('error') > 0) this.emit('error', reported);
      }
    }
  }
}
