import { readdirSync, rmSync, statfsSync } from 'node:fs';
import { makeDirectory } from '../../files/make-directory.js';
import { join } from 'node:path';
import { setHeapSnapshotNearHeapLimit } from 'node:v8';
import { writeSnapshot } from '../../capture/take-snapshot.js';
import { CaptureError, HeapDumpRefusedError } from '../../errors.js';
import { formatBytes } from '../../format/bytes.js';
import { isFunction, milliseconds, nonEmptyString, optionsObject, wholeNumber } from '../option-checks.js';
import type { PressureHandler } from './memory-pressure-manager.js';

export interface HeapDumpOptions {
  /** Where snapshots go (created if missing). */
  dir: string;
  /** Keep at most this many of our snapshots in `dir`, deleting the oldest (default 3). */
  maxFiles?: number;
  /** Never dump more often than this, in ms: >= 0, `Infinity` for once only (default 60 000). */
  minInterval?: number;
  /**
   * Also arm V8's own snapshot near the heap limit, at most this many times
   * (`v8.setHeapSnapshotNearHeapLimit`; V8 writes it to the working or `--diagnostic-dir`).
   */
  nearHeapLimit?: number;
  /** Free bytes on `dir`'s file system (default: `fs.statfsSync`). */
  freeDisk?: (dir: string) => number;
  /** The clock (default Date.now). */
  now?: () => number;
}

const OURS = /^heap-\d{8}T\d{6}\d{3}Z-\d+\.heapsnapshot$/;

/** The latest time `Date` can hold (`new Date(x).toISOString()` throws past it). */
const LAST_DATE = 8.64e15;

/** `heap-20261121T135801123Z-4242.heapsnapshot`: sorts by time, says which process. */
export function heapDumpName(time: number, pid = process.pid): string {
  // From 1970 on, so names (four-digit years, no sign) sort by time.
  const stamp = new Date(milliseconds('heapDumpName: time', time, { min: 0, max: LAST_DATE })).toISOString().replace(/[-:.]/g, '');
  return `heap-${stamp}-${wholeNumber('heapDumpName: pid', pid, 0)}.heapsnapshot`;
}

const statfsFree = (dir: string): number => {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
};

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * A pressure handler that writes a heap snapshot to `options.dir` — unless the last one was
 * less than `minInterval` ago, or free disk or free memory is below the heap's size (writing a
 * snapshot needs about the heap again; dumping anyway is how processes get OOM-killed). A
 * refusal is a {@link HeapDumpRefusedError}, a directory that cannot be made, read or written a
 * CaptureError; both reach the manager's `error` event. The options are checked here, at once.
 *
 * @example manager.onEnter(2, heapDump({ dir: '/var/dumps', maxFiles: 3 }))
 */
export function heapDump(options: HeapDumpOptions): PressureHandler {
  const given = optionsObject<HeapDumpOptions>('heapDump: options', options);
  const dir = nonEmptyString('heapDump: dir', given.dir, 'a directory path (a non-empty string)');
  const maxFiles = given.maxFiles === undefined ? 3 : wholeNumber('heapDump: maxFiles', given.maxFiles, 1);
  const minInterval = given.minInterval === undefined ? 60_000 : milliseconds('heapDump: minInterval', given.minInterval, { min: 0 });
  const freeDisk = given.freeDisk === undefined ? statfsFree : isFunction<(dir: string) => number>('heapDump: freeDisk', given.freeDisk);
  const now = given.now === undefined ? Date.now : isFunction<() => number>('heapDump: now', given.now);
  if (given.nearHeapLimit !== undefined) setHeapSnapshotNearHeapLimit(wholeNumber('heapDump: nearHeapLimit', given.nearHeapLimit, 1));
  let last = -Infinity;

  return async ({ readings }) => {
    const time = milliseconds('heapDump: now()', now(), { min: 0, max: LAST_DATE });
    if (time - last < minInterval) {
      throw new HeapDumpRefusedError(`heap dump skipped: the last one was ${time - last} ms ago, under minInterval ${minInterval} ms`);
    }
    try {
      makeDirectory(dir);
    } catch (error) {
      throw new CaptureError(`heap dump: cannot create the dump directory ${dir}: ${reason(error)}; point dir at a directory this process can write`, { cause: error });
    }
    let disk: number;
    try {
      disk = freeDisk(dir);
    } catch (error) {
      throw new CaptureError(`heap dump: cannot read the free space of ${dir}: ${reason(error)}`, { cause: error });
    }
    if (disk < readings.heapUsed) {
      throw new HeapDumpRefusedError(`heap dump refused: ${dir} has ${formatBytes(disk)} free, less than the ${formatBytes(readings.heapUsed)} heap; free some disk or point dir elsewhere`);
    }
    if (readings.available < readings.heapUsed) {
      throw new HeapDumpRefusedError(`heap dump refused: ${formatBytes(readings.available)} of memory available, less than the ${formatBytes(readings.heapUsed)} heap a snapshot needs again; dump at a lower level, before memory runs this short`);
    }
    last = time;
    const file = join(dir, heapDumpName(time));
    try {
      await writeSnapshot(file); // a file that cannot be written is a CaptureError already
    } catch (error) {
      rmSync(file, { force: true }); // never leave half a snapshot behind
      throw error;
    }
    try {
      prune(dir, maxFiles);
    } catch (error) {
      throw new CaptureError(`heap dump written to ${file}, but the older dumps in ${dir} could not be pruned to maxFiles ${maxFiles}: ${reason(error)}`, { cause: error });
    }
  };
}

/** Deletes our oldest snapshots in `dir` beyond `maxFiles`; leaves other files alone. */
function prune(dir: string, maxFiles: number): void {
  const ours = readdirSync(dir).filter((name) => OURS.test(name)).sort();
  for (const name of ours.slice(0, Math.max(0, ours.length - maxFiles))) rmSync(join(dir, name), { force: true });
}
