import { InvalidOptionError, MemoryLimitError } from '../errors.js';
import { formatBytes, MB } from '../format/bytes.js';
import { isBoolean, isFunction, oneOf, optionsObject, positiveBytes, writable } from './option-checks.js';

/** The default limit, 200 MB as in Python's memory_utils. */
export const DEFAULT_MEMORY_LIMIT = 200 * MB;

/** Extra columns `printMemory` can show, from `process.memoryUsage()`. */
export type MemoryColumn = 'heapUsed' | 'external' | 'arrayBuffers';

export interface MemoryMonitorOptions {
  /** Where lines go. Default: process.stdout. */
  out?: NodeJS.WritableStream;
  /** Bytes of RSS past which `check()` throws: a finite number > 0. Default 200 MB. */
  limit?: number;
  /** Print lines where nothing moved too, and one line per item in `watch()`. */
  verbose?: boolean;
  /** Extra columns after RSS and its delta. */
  columns?: readonly MemoryColumn[];
  /** Sizes as `13.73 MB` rather than exact byte counts. */
  human?: boolean;
  /** Colour the lines: default when `out` is a terminal, unless NO_COLOR; FORCE_COLOR forces it. */
  color?: boolean;
  /** Where readings come from (tests inject these). Default: process.memoryUsage(). */
  readMemory?: () => NodeJS.MemoryUsage;
}

export interface MemoryMonitor {
  /** Prints RSS, its change since the last print, and `message` (a header first). */
  print(message?: string): void;
  /**
   * Throws MemoryLimitError when RSS is past `limit` (default: the monitor's limit); a limit
   * that is not a finite number > 0 is an InvalidOptionError, never a check that cannot fire.
   */
  check(limit?: number): void;
  /** Wraps a sync or async iterable (checked at once: not at the first item), checking memory before each item. */
  watch<T>(items: Iterable<T>, options?: { limit?: number }): Generator<T>;
  watch<T>(items: AsyncIterable<T>, options?: { limit?: number }): AsyncGenerator<T>;
  setVerbose(verbose: boolean): void;
  setOut(out: NodeJS.WritableStream): void;
  setLimit(limit: number): void;
  readonly limit: number;
}

function colorFor(out: NodeJS.WritableStream, explicit: boolean | undefined): boolean {
  if (explicit !== undefined) return explicit;
  const force = process.env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '') return false;
  return Boolean((out as NodeJS.WriteStream).isTTY);
}

/** What the monitor's methods are called where they were called from, for error messages. */
export interface MonitorNames {
  check: string;
  watch: string;
  setLimit: string;
  setVerbose: string;
  setOut: string;
}

const OWN_NAMES: MonitorNames = {
  check: 'monitor.check',
  watch: 'monitor.watch',
  setLimit: 'monitor.setLimit',
  setVerbose: 'monitor.setVerbose',
  setOut: 'monitor.setOut',
};

const COLUMNS: readonly MemoryColumn[] = ['heapUsed', 'external', 'arrayBuffers'];

/**
 * A memory printer and limit checker with its own state — for libraries and tests that must
 * not share the module-level one (`printMemory`, `checkMemory`, …). Every option is checked
 * here: a bad one is an InvalidOptionError naming it.
 *
 * @example
 * const monitor = createMemoryMonitor({ out: process.stderr, limit: 512 * MB })
 * monitor.print('after load')
 * for (const row of monitor.watch(rows)) handle(row)   // throws MemoryLimitError past 512 MB
 */
export function createMemoryMonitor(options: MemoryMonitorOptions = {}): MemoryMonitor {
  return namedMemoryMonitor(options, 'createMemoryMonitor', OWN_NAMES);
}

/** {@link createMemoryMonitor} whose errors name the functions the caller exposes (the module-level helpers). */
export function namedMemoryMonitor(options: MemoryMonitorOptions, created: string, names: MonitorNames): MemoryMonitor {
  const given = optionsObject<MemoryMonitorOptions>(`${created}: options`, options, true);
  let out = given.out === undefined ? process.stdout : writable(`${created}: out`, given.out);
  let limit = given.limit === undefined ? DEFAULT_MEMORY_LIMIT : positiveBytes(`${created}: limit`, given.limit);
  let verbose = given.verbose === undefined ? false : isBoolean(`${created}: verbose`, given.verbose);
  const human = given.human === undefined ? false : isBoolean(`${created}: human`, given.human);
  const color = given.color === undefined ? undefined : isBoolean(`${created}: color`, given.color);
  if (given.columns !== undefined && !Array.isArray(given.columns)) {
    throw new InvalidOptionError(`${created}: columns`, `an array of ${COLUMNS.map((c) => `'${c}'`).join(', ')}`, given.columns);
  }
  const columns = (given.columns ?? []).map((column, i) => oneOf(`${created}: columns[${i}]`, column, COLUMNS));
  const read = given.readMemory === undefined ? () => process.memoryUsage() : isFunction<() => NodeJS.MemoryUsage>(`${created}: readMemory`, given.readMemory);
  let previous: number | undefined;
  const format = (bytes: number): string => (human ? formatBytes(bytes) : bytes.toLocaleString('en-US'));
  const width = human ? 10 : 14;

  /** Throws past `at`: validated by the callers, so a check can never be silently off. */
  const checkAt = (at: number): void => {
    const rss = read().rss;
    if (rss > at) throw new MemoryLimitError(rss, at);
  };

  const monitor: MemoryMonitor = {
    print(message = '') {
      const usage = read();
      const rss = usage.rss;
      const delta = previous === undefined ? 0 : rss - previous;
      const first = previous === undefined;
      previous = rss;
      if (!first && delta === 0 && !verbose) return;
      const colored = colorFor(out, color);
      let text = '';
      if (first) {
        const titles = ['RSS'.padStart(width), 'DELTA'.padStart(width), ...columns.map((c) => c.toUpperCase().padStart(width)), 'MESSAGE'];
        text += `${titles.join('    ')}\n`;
      }
      const cells = [format(rss).padStart(width), format(delta).padStart(width), ...columns.map((c) => format(usage[c]).padStart(width)), message];
      let line = cells.join('    ');
      if (colored && delta > 0) line = `\x1b[31m${line}\x1b[39m`;
      else if (colored && delta < 0) line = `\x1b[32m${line}\x1b[39m`;
      out.write(`${text}${line}\n`);
    },
    check(at?: number) {
      checkAt(at === undefined ? limit : positiveBytes(`${names.check}: limit`, at));
    },
    watch<T>(items: Iterable<T> | AsyncIterable<T>, watchOptions?: { limit?: number }): never {
      // Checked here, not in the generators below: their bodies run only at the first item.
      const isAsync = typeof (items as { [Symbol.asyncIterator]?: unknown } | null | undefined)?.[Symbol.asyncIterator] === 'function';
      if (!isAsync && typeof (items as { [Symbol.iterator]?: unknown } | null | undefined)?.[Symbol.iterator] !== 'function') {
        throw new InvalidOptionError(`${names.watch}: items`, 'an iterable or async iterable (an array, a generator, a readable stream)', items);
      }
      const given = optionsObject<{ limit?: number }>(`${names.watch}: options`, watchOptions, true);
      const at = given.limit === undefined ? limit : positiveBytes(`${names.watch}: limit`, given.limit);
      if (isAsync) {
        return (async function* watchAsync() {
          let index = 0;
          for await (const item of items as AsyncIterable<T>) {
            checkAt(at);
            if (verbose) monitor.print(`item ${index}`);
            index++;
            yield item;
          }
        })() as never;
      }
      return (function* watchSync() {
        let index = 0;
        for (const item of items as Iterable<T>) {
          checkAt(at);
          if (verbose) monitor.print(`item ${index}`);
          index++;
          yield item;
        }
      })() as never;
    },
    setVerbose(value) {
      verbose = isBoolean(`${names.setVerbose}: verbose`, value);
    },
    setOut(stream) {
      out = writable(`${names.setOut}: out`, stream);
    },
    setLimit(value) {
      limit = positiveBytes(`${names.setLimit}: limit`, value);
    },
    get limit() {
      return limit;
    },
  };
  return monitor;
}
