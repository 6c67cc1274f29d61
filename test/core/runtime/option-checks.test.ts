import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/fixtures.js';
import {
  all,
  any,
  availableBelow,
  availableBelowFraction,
  checkMemory,
  createMemoryMonitor,
  custom,
  heapAboveFraction,
  heapDump,
  heapDumpName,
  InvalidOptionError,
  MB,
  MemoryLimitError,
  MemoryPressureManager,
  memoryWatcher,
  not,
  readMemoryReadings,
  rssAbove,
  rssAboveFraction,
  setMemoryLimit,
  setOut,
  setVerbose,
} from '@heapdiff/core/runtime';

/** What `run` throws (it must throw). */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected it to throw');
}

const readings = { rss: 100, heapUsed: 50, heapLimit: 4000, limit: 1000, available: 900, source: 'host' as const };
const unsetMb = Number(process.env['HEAPDIFF_TEST_SURELY_UNSET']) * MB; // NaN, as in real configs
const level = rssAbove(1);
const dir = tempDir('heapdiff-options-');
const manager = () => new MemoryPressureManager({ levels: [level, rssAbove(2)] });

// Each bad option, where it is given, and the one line it must produce.
const cases: [string, () => unknown, string][] = [
  // Limits: NaN, undefined or null never disable a check, nor crash inside it.
  ['memoryWatcher limit NaN', () => memoryWatcher([1], { limit: unsetMb }), 'memoryWatcher: limit must be a finite number of bytes > 0, got NaN (is the environment variable set?)'],
  ['memoryWatcher limit 0', () => memoryWatcher([1], { limit: 0 }), 'memoryWatcher: limit must be a finite number of bytes > 0, got 0'],
  ['memoryWatcher limit "512"', () => memoryWatcher([1], { limit: '512' as never }), 'memoryWatcher: limit must be a finite number of bytes > 0, got "512"'],
  ['memoryWatcher options null', () => memoryWatcher([1], null as never), 'memoryWatcher: options must be an options object, or nothing, got null'],
  ['memoryWatcher items number', () => memoryWatcher(5 as never), 'memoryWatcher: items must be an iterable or async iterable (an array, a generator, a readable stream), got 5'],
  ['memoryWatcher items null', () => memoryWatcher(null as never), 'memoryWatcher: items must be an iterable or async iterable (an array, a generator, a readable stream), got null'],
  ['memoryWatcher items object', () => memoryWatcher({} as never), 'memoryWatcher: items must be an iterable or async iterable (an array, a generator, a readable stream), got an object (Object)'],
  ['checkMemory NaN', () => checkMemory(unsetMb), 'checkMemory: limit must be a finite number of bytes > 0, got NaN (is the environment variable set?)'],
  ['checkMemory null', () => checkMemory(null as never), 'checkMemory: limit must be a finite number of bytes > 0, got null'],
  ['checkMemory Infinity', () => checkMemory(Infinity), 'checkMemory: limit must be a finite number of bytes > 0, got Infinity'],
  ['setMemoryLimit undefined', () => setMemoryLimit(undefined as never), 'setMemoryLimit: limit must be a finite number of bytes > 0, got undefined'],
  ['setMemoryLimit NaN', () => setMemoryLimit(unsetMb), 'setMemoryLimit: limit must be a finite number of bytes > 0, got NaN (is the environment variable set?)'],
  ['setVerbose "yes"', () => setVerbose('yes' as never), 'setVerbose: verbose must be true or false, got "yes"'],
  ['setOut {}', () => setOut({} as never), 'setOut: out must be a writable stream (with a write method), such as process.stderr, got an object (Object)'],
  // A monitor of one's own.
  ['createMemoryMonitor limit -1', () => createMemoryMonitor({ limit: -1 }), 'createMemoryMonitor: limit must be a finite number of bytes > 0, got -1'],
  ['createMemoryMonitor columns', () => createMemoryMonitor({ columns: ['heapUsed', 'rss' as never] }), "createMemoryMonitor: columns[1] must be one of 'heapUsed', 'external', 'arrayBuffers', got \"rss\""],
  ['createMemoryMonitor columns string', () => createMemoryMonitor({ columns: 'heapUsed' as never }), "createMemoryMonitor: columns must be an array of 'heapUsed', 'external', 'arrayBuffers', got \"heapUsed\""],
  ['createMemoryMonitor human', () => createMemoryMonitor({ human: 1 as never }), 'createMemoryMonitor: human must be true or false, got 1'],
  ['createMemoryMonitor color', () => createMemoryMonitor({ color: 'auto' as never }), 'createMemoryMonitor: color must be true or false, got "auto"'],
  ['createMemoryMonitor readMemory', () => createMemoryMonitor({ readMemory: 5 as never }), 'createMemoryMonitor: readMemory must be a function, got 5'],
  ['createMemoryMonitor options', () => createMemoryMonitor('big' as never), 'createMemoryMonitor: options must be an options object, or nothing, got "big"'],
  ['monitor.check NaN', () => createMemoryMonitor().check(NaN), 'monitor.check: limit must be a finite number of bytes > 0, got NaN (is the environment variable set?)'],
  ['monitor.setLimit null', () => createMemoryMonitor().setLimit(null as never), 'monitor.setLimit: limit must be a finite number of bytes > 0, got null'],
  ['monitor.watch limit NaN', () => createMemoryMonitor().watch([1], { limit: NaN }), 'monitor.watch: limit must be a finite number of bytes > 0, got NaN (is the environment variable set?)'],
  // The pressure manager.
  ['manager no options', () => new MemoryPressureManager(undefined as never), 'MemoryPressureManager: options must be an options object, got undefined'],
  ['manager levels []', () => new MemoryPressureManager({ levels: [] }), 'MemoryPressureManager: levels must be a non-empty array of conditions, such as [rssAboveFraction(0.8)], got an array of 0'],
  ['manager levels [123]', () => new MemoryPressureManager({ levels: [123 as never] }), 'MemoryPressureManager: levels[0] must be a condition (a function of the readings, such as rssAboveFraction(0.8)), got 123'],
  ['manager levels condition', () => new MemoryPressureManager({ levels: level as never }), 'MemoryPressureManager: levels must be a non-empty array of conditions, such as [rssAboveFraction(0.8)], got a function'],
  ['manager interval 0', () => new MemoryPressureManager({ levels: [level], interval: 0 }), 'MemoryPressureManager: interval must be a number of ms from 10 to 2147483647, got 0'],
  ['manager interval NaN', () => new MemoryPressureManager({ levels: [level], interval: NaN }), 'MemoryPressureManager: interval must be a number of ms from 10 to 2147483647, got NaN (is the environment variable set?)'],
  ['manager interval 2^31', () => new MemoryPressureManager({ levels: [level], interval: 2 ** 31 }), 'MemoryPressureManager: interval must be a number of ms from 10 to 2147483647, got 2147483648'],
  ['manager remainInterval -1', () => new MemoryPressureManager({ levels: [level], remainInterval: -1 }), 'MemoryPressureManager: remainInterval must be a number of ms >= 0 (Infinity: never), got -1'],
  ['manager remainInterval NaN', () => new MemoryPressureManager({ levels: [level], remainInterval: NaN }), 'MemoryPressureManager: remainInterval must be a number of ms >= 0 (Infinity: never), got NaN (is the environment variable set?)'],
  ['manager readMemory', () => new MemoryPressureManager({ levels: [level], readMemory: {} as never }), 'MemoryPressureManager: readMemory must be a function, got an object (Object)'],
  ['manager now', () => new MemoryPressureManager({ levels: [level], now: 0 as never }), 'MemoryPressureManager: now must be a function, got 0'],
  ['onEnter level 3', () => manager().onEnter(3, () => undefined), 'MemoryPressureManager.onEnter: level must be a whole number from 1 to 2, got 3'],
  ['onLeave level 1.5', () => manager().onLeave(1.5, () => undefined), 'MemoryPressureManager.onLeave: level must be a whole number from 1 to 2, got 1.5'],
  ['onRemain handler', () => manager().onRemain(1, undefined as never), 'MemoryPressureManager.onRemain: handler must be a function of { level, readings } (a factory such as forceGc is called: forceGc()), got undefined'],
  ['dumpHeapOn level 0', () => manager().dumpHeapOn(0, { dir }), 'MemoryPressureManager.dumpHeapOn: level must be a whole number from 1 to 2, got 0'],
  ['dumpHeapOn minInterval NaN', () => manager().dumpHeapOn(1, { dir, minInterval: NaN }), 'heapDump: minInterval must be a number of ms >= 0 (Infinity: never), got NaN (is the environment variable set?)'],
  // Conditions: fractions are fractions, not percents.
  ['availableBelowFraction(20)', () => availableBelowFraction(20), 'availableBelowFraction: fraction must be a fraction > 0 and < 1, got 20 (a fraction, not a percent: 20 % is 0.2)'],
  ['rssAboveFraction(90)', () => rssAboveFraction(90), 'rssAboveFraction: fraction must be a fraction > 0 and < 1, got 90 (a fraction, not a percent: 90 % is 0.9)'],
  ['heapAboveFraction(0)', () => heapAboveFraction(0), 'heapAboveFraction: fraction must be a fraction > 0 and < 1, got 0'],
  ['heapAboveFraction(NaN)', () => heapAboveFraction(NaN), 'heapAboveFraction: fraction must be a fraction > 0 and < 1, got NaN (is the environment variable set?)'],
  ['availableBelow(-1)', () => availableBelow(-1), 'availableBelow: bytes must be a finite number of bytes >= 0, got -1'],
  ['rssAbove(NaN)', () => rssAbove(unsetMb), 'rssAbove: bytes must be a finite number of bytes >= 0, got NaN (is the environment variable set?)'],
  ['custom no test', () => custom('x', undefined as never), 'custom: test must be a function of the readings that returns true or false, got undefined'],
  ['custom no description', () => custom('', () => true), 'custom: description must be a non-empty string, got ""'],
  ['all()', () => all(), 'all: conditions must be at least one condition, got an array of 0'],
  ['any(0.5)', () => any(rssAbove(1), 0.5 as never), 'any: conditions[1] must be a condition (a function of the readings, such as rssAboveFraction(0.8)), got 0.5'],
  ['not("x")', () => not('x' as never), 'not: condition must be a condition (a function of the readings, such as rssAboveFraction(0.8)), got "x"'],
  // Heap dumps.
  ['heapDump no options', () => heapDump(undefined as never), 'heapDump: options must be an options object, got undefined'],
  ['heapDump no dir', () => heapDump({} as never), 'heapDump: dir must be a directory path (a non-empty string), got undefined'],
  ['heapDump minInterval NaN', () => heapDump({ dir, minInterval: NaN }), 'heapDump: minInterval must be a number of ms >= 0 (Infinity: never), got NaN (is the environment variable set?)'],
  ['heapDump minInterval -5', () => heapDump({ dir, minInterval: -5 }), 'heapDump: minInterval must be a number of ms >= 0 (Infinity: never), got -5'],
  ['heapDump maxFiles 2.5', () => heapDump({ dir, maxFiles: 2.5 }), 'heapDump: maxFiles must be a whole number >= 1, got 2.5'],
  ['heapDump nearHeapLimit 0', () => heapDump({ dir, nearHeapLimit: 0 }), 'heapDump: nearHeapLimit must be a whole number >= 1, got 0'],
  ['heapDump freeDisk', () => heapDump({ dir, freeDisk: 1e9 as never }), 'heapDump: freeDisk must be a function, got 1000000000'],
  ['heapDump now', () => heapDump({ dir, now: new Date() as never }), 'heapDump: now must be a function, got an object (Date)'],
  ['heapDumpName NaN', () => heapDumpName(NaN), 'heapDumpName: time must be a number of ms from 0 to 8640000000000000, got NaN (is the environment variable set?)'],
  ['heapDumpName pid', () => heapDumpName(0, -1), 'heapDumpName: pid must be a whole number >= 0, got -1'],
  ['readMemoryReadings root', () => readMemoryReadings(7 as never), 'readMemoryReadings: root must be a directory path (a non-empty string), got 7'],
];

describe('the runtime kit checks every option where it is given', () => {
  it.each(cases)('%s', (_label, run, message) => {
    const error = thrown(run);
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ code: 'HEAPDIFF_INVALID_OPTION', message });
  });

  it('names the option and keeps the value given', () => {
    expect(thrown(() => memoryWatcher([1], { limit: unsetMb }))).toMatchObject({ option: 'memoryWatcher: limit', value: NaN });
  });

  it('good options still work: a string is iterable like in for…of, a limit is enforced, fractions and Infinity are taken', () => {
    expect([...memoryWatcher('abc', { limit: 1e15 })]).toEqual(['a', 'b', 'c']);
    expect(() => checkMemory(1)).toThrow(MemoryLimitError);
    expect(availableBelowFraction(0.2)(readings)).toBe(false);
    expect(availableBelowFraction(0.95)(readings)).toBe(true);
    expect(heapDump({ dir, minInterval: Infinity })).toBeTypeOf('function');
    expect(new MemoryPressureManager({ levels: [rssAbove(1)], remainInterval: Infinity }).level).toBe(0);
    // A plain function (from JavaScript) as a condition gets a description from its name.
    const big = (r: typeof readings) => r.rss > 10;
    expect(all(big as never, rssAbove(5)).description).toBe('all(big, rss > 5 B)');
  });

  it('a monitor whose limit was refused keeps the one it had', () => {
    const monitor = createMemoryMonitor({ limit: 1000, readMemory: () => ({ rss: 2000, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }) });
    expect(() => monitor.setLimit(NaN)).toThrow(InvalidOptionError);
    expect(monitor.limit).toBe(1000);
    expect(() => monitor.check()).toThrow(MemoryLimitError);
  });
});
