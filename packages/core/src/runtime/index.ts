import { namedMemoryMonitor, type MemoryMonitor } from './memory-monitor.js';

export { MemoryLimitError, HeapDumpRefusedError, InvalidOptionError, PressureHandlerError } from '../errors.js';
export { KB, MB, GB } from '../format/bytes.js';
export {
  createMemoryMonitor,
  DEFAULT_MEMORY_LIMIT,
  type MemoryColumn,
  type MemoryMonitor,
  type MemoryMonitorOptions,
} from './memory-monitor.js';

export {
  MemoryPressureManager,
  type MemoryPressureOptions,
  type MemoryPressureStats,
  type PressureEventKind,
  type PressureHandler,
} from './pressure/memory-pressure-manager.js';
export { collectGarbage, forceGc } from './pressure/force-gc.js';
export { heapDump, heapDumpName, type HeapDumpOptions } from './pressure/heap-dump.js';
export { readMemoryReadings, type MemoryReadings } from './pressure/memory-readings.js';
export {
  all,
  any,
  not,
  custom,
  availableBelow,
  availableBelowFraction,
  rssAbove,
  rssAboveFraction,
  heapAboveFraction,
  type Condition,
} from './pressure/conditions.js';

/** The process-wide monitor behind the helpers below (a library should make its own); its errors name the helpers. */
const shared: MemoryMonitor = namedMemoryMonitor({}, 'createMemoryMonitor', {
  check: 'checkMemory',
  watch: 'memoryWatcher',
  setLimit: 'setMemoryLimit',
  setVerbose: 'setVerbose',
  setOut: 'setOut',
});

/**
 * Prints RSS, its change since the last print and `message`: red when memory grew, green when
 * it shrank, nothing when it did not move (unless verbose). A header comes first.
 *
 * @example printMemory('after loading the model')
 */
export const printMemory = (message?: string): void => shared.print(message);
/** Print lines where memory did not move too. */
export const setVerbose = (verbose: boolean): void => shared.setVerbose(verbose);
/** Where printMemory writes (default process.stdout). */
export const setOut = (out: NodeJS.WritableStream): void => shared.setOut(out);
/** The RSS limit `checkMemory` enforces (default 200 MB): a finite number of bytes > 0, else an InvalidOptionError. */
export const setMemoryLimit = (bytes: number): void => shared.setLimit(bytes);
/** Throws MemoryLimitError when RSS is past the limit (`limit`, or the one set); a limit that is not a finite number > 0 is an InvalidOptionError. */
export const checkMemory = (limit?: number): void => shared.check(limit);
/**
 * Wraps a loop's items (sync or async) and checks memory before each one. Items that are not
 * iterable, or a `limit` that is not a finite number > 0, are an InvalidOptionError at once.
 *
 * @example for (const job of memoryWatcher(jobs, { limit: 1 * GB })) run(job)
 */
export function memoryWatcher<T>(items: Iterable<T>, options?: { limit?: number }): Generator<T>;
export function memoryWatcher<T>(items: AsyncIterable<T>, options?: { limit?: number }): AsyncGenerator<T>;
export function memoryWatcher<T>(items: Iterable<T> | AsyncIterable<T>, options?: { limit?: number }): Generator<T> | AsyncGenerator<T> {
  return shared.watch(items as Iterable<T>, options);
}
