import { MemoryLimitError } from '../errors.js';
import { formatBytes, MB } from '../format/bytes.js';

/** The default limit, 200 MB as in Python's memory_utils. */
export const DEFAULT_MEMORY_LIMIT = 200 * MB;

/** Extra columns `printMemory` can show, from `process.memoryUsage()`. */
export type MemoryColumn = 'heapUsed' | 'external' | 'arrayBuffers';

export interface MemoryMonitorOptions {
  /** Where lines go. Default: process.stdout. */
  out?: NodeJS.WritableStream;
  /** Bytes of RSS past which `check()` throws. Default 200 MB. */
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
  /** Throws MemoryLimitError when RSS is past `limit` (default: the monitor's limit). */
  check(limit?: number): void;
  /** Wraps a sync or async iterable, checking memory before each item. */
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


/**
 * A memory printer and limit checker with its own state — for libraries and tests that must
 * not share the module-level one (`printMemory`, `checkMemory`, …).
 *
 * @example
 * const monitor = createMemoryMonitor({ out: process.stderr, limit: 512 * MB })
 * monitor.print('after load')
 * for (const row of monitor.watch(rows)) handle(row)   // throws MemoryLimitError past 512 MB
 */
export function createMemoryMonitor(options: MemoryMonitorOptions = {}): MemoryMonitor {
  let out = options.out ?? process.stdout;
  let limit = options.limit ?? DEFAULT_MEMORY_LIMIT;
  let verbose = options.verbose ?? false;
  const columns = options.columns ?? [];
  const read = options.readMemory ?? (() => process.memoryUsage());
  let previous: number | undefined;
  const format = (bytes: number): string => (options.human ? formatBytes(bytes) : bytes.toLocaleString('en-US'));
  const width = options.human ? 10 : 14;

  const monitor: MemoryMonitor = {
    print(message = '') {
      const usage = read();
      const rss = usage.rss;
      const delta = previous === undefined ? 0 : rss - previous;
      const first = previous === undefined;
      previous = rss;
      if (!first && delta === 0 && !verbose) return;
      const color = colorFor(out, options.color);
      let text = '';
      if (first) {
        const titles = ['RSS'.padStart(width), 'DELTA'.padStart(width), ...columns.map((c) => c.toUpperCase().padStart(width)), 'MESSAGE'];
        text += `${titles.join('    ')}\n`;
      }
      const cells = [format(rss).padStart(width), format(delta).padStart(width), ...columns.map((c) => format(usage[c]).padStart(width)), message];
      let line = cells.join('    ');
      if (color && delta > 0) line = `\x1b[31m${line}\x1b[39m`;
      else if (color && delta < 0) line = `\x1b[32m${line}\x1b[39m`;
      out.write(`${text}${line}\n`);
    },
    check(at = limit) {
      const rss = read().rss;
      if (rss > at) throw new MemoryLimitError(rss, at);
    },
    watch<T>(items: Iterable<T> | AsyncIterable<T>, watchOptions: { limit?: number } = {}): never {
      const at = watchOptions.limit ?? limit;
      if (Symbol.asyncIterator in items) {
        return (async function* watchAsync() {
          let index = 0;
          for await (const item of items as AsyncIterable<T>) {
            monitor.check(at);
            if (verbose) monitor.print(`item ${index}`);
            index++;
            yield item;
          }
        })() as never;
      }
      return (function* watchSync() {
        let index = 0;
        for (const item of items as Iterable<T>) {
          monitor.check(at);
          if (verbose) monitor.print(`item ${index}`);
          index++;
          yield item;
        }
      })() as never;
    },
    setVerbose(value) {
      verbose = value;
    },
    setOut(stream) {
      out = stream;
    },
    setLimit(value) {
      limit = value;
    },
    get limit() {
      return limit;
    },
  };
  return monitor;
}
