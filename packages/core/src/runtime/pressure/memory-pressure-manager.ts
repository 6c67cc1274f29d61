import { EventEmitter } from 'node:events';
import { types } from 'node:util';
import { InvalidOptionError, PressureHandlerError } from '../../errors.js';
import { isFunction, milliseconds, optionsObject, wholeNumber } from '../option-checks.js';
import { conditionOption, type Condition } from './conditions.js';
import { heapDump, type HeapDumpOptions } from './heap-dump.js';
import { readMemoryReadings, type MemoryReadings } from './memory-readings.js';

export type PressureHandler = (event: { level: number; readings: MemoryReadings }) => void | Promise<void>;

/** What failed, on an error the manager reports: a level's handlers or listeners, or the check itself (reading memory, a condition). */
export type PressureEventKind = 'enter' | 'leave' | 'remain' | 'check';

export interface MemoryPressureOptions {
  /**
   * Level k (1-based) is in effect when `levels[k - 1]` holds; the highest holding level wins.
   * Conditions answer synchronously (`rssAboveFraction(0.9)`, `custom(…)`).
   */
  levels: readonly Condition[];
  /** How often to look, in ms: 10 to 2 147 483 647 (default 1000). */
  interval?: number;
  /** How often "remain" handlers fire while a level lasts, at most, in ms: >= 0, `Infinity` for never (default 10 000). */
  remainInterval?: number;
  /** Where readings come from (tests inject them). */
  readMemory?: () => MemoryReadings;
  /** The clock (tests inject it). */
  now?: () => number;
}

/** What the manager has done so far. */
export interface MemoryPressureStats {
  /** Checks run (by the timer or by `check()`). */
  checks: number;
  /** Timer ticks skipped because the previous check was still running its handlers. */
  skipped: number;
  /** Failures reported: conditions, readings, listeners and handlers that threw. */
  errors: number;
}

/** The shortest interval: below it the manager would spend more time looking than the program runs. */
const MIN_INTERVAL = 10;
/** Node's timers hold at most 2^31 - 1 ms; beyond it setInterval fires every millisecond instead. */
const MAX_INTERVAL = 2 ** 31 - 1;

type Reported = Error & { level: number; kind: PressureEventKind };

/**
 * Watches memory against severity levels and runs handlers as they change — satella's
 * memory pressure manager for Node. Level 0 is normal. Entering a higher level fires the
 * "enter" handlers of every level on the way, in order; leaving fires the "leave" handlers in
 * reverse; staying fires "remain" handlers, throttled. `level` moves one step at a time, as
 * each level's handlers run. Handlers may be async. Timers are unref'd, so the manager never
 * keeps a process alive. Managers are independent: make as many as you like. Every option is
 * checked here: a bad one is an InvalidOptionError naming it.
 *
 * Failures never stop it: a condition or `readMemory` that throws ends that one check (the
 * level stays as it was, nothing fires); a handler or an `enter`/`leave`/`remain` listener that
 * throws is reported and the rest still run. Each failure is an `error` event: the thrown Error
 * with `level` and `kind` added (a {@link PressureHandlerError} carrying it as `cause` when it
 * cannot take them: frozen, or not an Error), also kept as `lastError`. With no `error`
 * listener — or one that throws — a failure is a process warning (`MemoryPressureWarning`,
 * once per kind, level and error), not a crash: the manager guards a process, it must not be
 * what takes it down, and not a silence either.
 *
 * A check whose handlers are still running when the timer ticks again is not queued behind:
 * the tick is skipped (counted in `stats.skipped`).
 *
 * @example
 * const manager = new MemoryPressureManager({ levels: [rssAboveFraction(0.7), rssAboveFraction(0.9)] })
 * manager.onEnter(1, () => cache.clear())
 * manager.onEnter(2, forceGc())     // forceGc() makes the handler: not forceGc
 * manager.on('error', (err) => log.warn(err))
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
  readonly #warned = new Set<string>();
  #level = 0;
  /** The last failure reported (also an `error` event, or a warning without a listener). */
  lastError: Error | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** The check under way, if one is. */
  #running: Promise<void> | undefined;
  /** The one check `check()` calls made during a running check wait for. */
  #queued: Promise<void> | undefined;
  #checks = 0;
  #skipped = 0;
  #errors = 0;

  constructor(options: MemoryPressureOptions) {
    super();
    const given = optionsObject<MemoryPressureOptions>('MemoryPressureManager: options', options);
    if (!Array.isArray(given.levels) || given.levels.length === 0) {
      throw new InvalidOptionError('MemoryPressureManager: levels', 'a non-empty array of conditions, such as [rssAboveFraction(0.8)]', given.levels);
    }
    this.#levels = given.levels.map((level: unknown, i) => conditionOption(`MemoryPressureManager: levels[${i}]`, level));
    this.#interval = given.interval === undefined ? 1000 : milliseconds('MemoryPressureManager: interval', given.interval, { min: MIN_INTERVAL, max: MAX_INTERVAL });
    this.#remainInterval = given.remainInterval === undefined ? 10_000 : milliseconds('MemoryPressureManager: remainInterval', given.remainInterval, { min: 0 });
    this.#read = given.readMemory === undefined ? () => readMemoryReadings() : isFunction('MemoryPressureManager: readMemory', given.readMemory);
    this.#now = given.now === undefined ? Date.now : isFunction('MemoryPressureManager: now', given.now);
  }

  /** The level in effect: 0 normal, up to the number of levels. */
  get level(): number {
    return this.#level;
  }

  /** Checks run, timer ticks skipped behind a running check, failures reported. */
  get stats(): MemoryPressureStats {
    return { checks: this.#checks, skipped: this.#skipped, errors: this.#errors };
  }

  /** Runs `handler` on entering `level`, after the lower levels' (pass `forceGc()`, not `forceGc`). */
  onEnter(level: number, handler: PressureHandler): this {
    return this.#add('enter', level, handler);
  }

  /** Runs `handler` on leaving `level`, before the lower levels' leave handlers. */
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
    this.#checkLevel('dumpHeapOn', level);
    return this.onEnter(level, heapDump(options));
  }

  #checkLevel(method: string, level: unknown): void {
    wholeNumber(`MemoryPressureManager.${method}: level`, level, 1, this.#levels.length);
  }

  #add(kind: 'enter' | 'leave' | 'remain', level: number, handler: PressureHandler): this {
    const method = `on${kind[0]!.toUpperCase()}${kind.slice(1)}`;
    this.#checkLevel(method, level);
    isFunction(`MemoryPressureManager.${method}: handler`, handler, 'a function of { level, readings } (a factory such as forceGc is called: forceGc())');
    const key = `${kind}:${level}`;
    this.#handlers.set(key, [...(this.#handlers.get(key) ?? []), handler]);
    return this;
  }

  start(): this {
    if (!this.#timer) {
      this.#timer = setInterval(() => this.#tick(), this.#interval);
      this.#timer.unref();
    }
    return this;
  }

  stop(): this {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    return this;
  }

  /**
   * Looks once now and fires what the change calls for; never rejects (failures are `error`
   * events). Checks never overlap: called while one runs, it waits for it and then looks
   * afresh (calls made meanwhile share that one look).
   */
  check(): Promise<void> {
    if (!this.#running) return this.#run();
    this.#queued ??= this.#running.then(() => {
      this.#queued = undefined;
      return this.#run();
    });
    return this.#queued;
  }

  #tick(): void {
    // Queuing ticks behind slow handlers would run them back to back afterwards, all on
    // readings of the same moment: skip instead, the next tick looks again.
    if (this.#running || this.#queued) this.#skipped++;
    else void this.#run();
  }

  #run(): Promise<void> {
    const running = this.#look()
      .catch((error: unknown) => this.#report(error, 'check', this.#level, 'check'))
      .finally(() => {
        this.#running = undefined;
      });
    this.#running = running;
    return running;
  }

  async #look(): Promise<void> {
    this.#checks++;
    let readings: MemoryReadings;
    try {
      readings = this.#read();
    } catch (error) {
      return this.#report(error, 'check', this.#level, 'readMemory');
    }
    let next = 0;
    for (let k = this.#levels.length; k >= 1; k--) {
      const condition = this.#levels[k - 1]!;
      let holds: unknown;
      try {
        holds = condition(readings);
        if (typeof (holds as { then?: unknown } | null)?.then === 'function') {
          throw new PressureHandlerError(`the condition of level ${k} (${condition.description}) returned a promise: conditions answer at once, true or false`, { level: k, kind: 'check' });
        }
      } catch (error) {
        // One look that cannot be trusted moves nothing: the level stays, no handler fires.
        return this.#report(error, 'check', k, `condition of level ${k} (${condition.description})`);
      }
      if (holds) {
        next = k;
        break;
      }
    }
    const previous = this.#level;
    if (next > previous) {
      for (let k = previous + 1; k <= next; k++) {
        this.#level = k;
        this.#lastRemain.set(k, this.#now());
        await this.#fire('enter', k, readings);
      }
    } else if (next < previous) {
      for (let k = previous; k > next; k--) {
        this.#level = k - 1;
        await this.#fire('leave', k, readings);
      }
    } else if (next > 0) {
      const last = this.#lastRemain.get(next) ?? 0;
      if (this.#now() - last >= this.#remainInterval) {
        this.#lastRemain.set(next, this.#now());
        await this.#fire('remain', next, readings);
      }
    }
  }

  /** The event's listeners, then the level's handlers in order; one that fails does not stop the others. */
  async #fire(kind: 'enter' | 'leave' | 'remain', level: number, readings: MemoryReadings): Promise<void> {
    const event = { level, readings };
    this.#callListeners(kind, event, (error) => this.#report(error, kind, level, `'${kind}' listener of level ${level}`));
    for (const handler of this.#handlers.get(`${kind}:${level}`) ?? []) {
      try {
        const result: unknown = await handler(event);
        if (typeof result === 'function') {
          throw new PressureHandlerError(
            `the ${kind} handler of level ${level} returned a function instead of acting: pass a handler factory called, forceGc() or heapDump({ dir }), not forceGc`,
            { level, kind },
          );
        }
      } catch (error) {
        this.#report(error, kind, level, `${kind} handler of level ${level}`);
      }
    }
  }

  /** Reports one failure: `error` event, else a warning. Never throws. */
  #report(error: unknown, kind: PressureEventKind, level: number, what: string): void {
    const reported = annotate(error, kind, level, what);
    this.lastError = reported;
    this.#errors++;
    const failure = `the ${what} threw ${describeThrown(error)}`;
    if (this.listenerCount('error') === 0) return this.#warn(reported, failure, "add an 'error' listener to the manager to handle such failures");
    this.#callListeners('error', reported, (listenerError) => this.#warn(reported, failure, `and the 'error' listener threw ${describeThrown(listenerError)}`));
  }

  /**
   * Calls an event's listeners as `emit` does (a `once` listener once), each on its own: one
   * that throws, or an async one that rejects, goes to `onFailure` and the others still run.
   */
  #callListeners(name: string, argument: unknown, onFailure: (error: unknown) => void): void {
    for (const listener of this.rawListeners(name) as ((argument: unknown) => unknown)[]) {
      try {
        const result = listener.call(this, argument);
        if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
          (result as PromiseLike<unknown>).then(undefined, onFailure);
        }
      } catch (error) {
        onFailure(error);
      }
    }
  }

  /** A process warning, once per kind, level and error class: a condition failing every tick must not flood stderr. */
  #warn(reported: Reported, failure: string, advice: string): void {
    const code = (reported as { code?: unknown }).code;
    const key = `${reported.kind}:${reported.level}:${typeof code === 'string' ? code : reported.name}`;
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    process.emitWarning(`MemoryPressureManager: ${failure}; ${advice} (warned once, the manager goes on)`, {
      type: 'MemoryPressureWarning',
      ...(typeof code === 'string' ? { code } : {}),
    });
  }
}

/** The thrown value with `level` and `kind` added, or a PressureHandlerError carrying it when it cannot take them. */
function annotate(error: unknown, kind: PressureEventKind, level: number, what: string): Reported {
  if (error instanceof Error || types.isNativeError(error)) {
    try {
      // Throws on a frozen or sealed Error (modules are strict); a setter may also ignore it.
      Object.assign(error, { level, kind });
      const marked = error as Reported;
      if (marked.level === level && marked.kind === kind) return marked;
    } catch {
      // Wrapped below.
    }
  }
  return new PressureHandlerError(`the ${what} threw ${describeThrown(error)}`, { level, kind }, { cause: error }) as Reported;
}

/** `TypeError: boom`, `"a string"`, `undefined`: safe on anything (a getter may throw, a null prototype has no toString). */
function describeThrown(value: unknown): string {
  try {
    if (value instanceof Error || types.isNativeError(value)) return `${(value as Error).name}: ${(value as Error).message}`;
    return typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    return 'an unprintable value';
  }
}
