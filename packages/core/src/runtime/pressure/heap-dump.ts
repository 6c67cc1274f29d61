import { mkdirSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { setHeapSnapshotNearHeapLimit } from 'node:v8';
import { writeSnapshot } from '../../capture/take-snapshot.js';
import { HeapDumpRefusedError } from '../../errors.js';
import { formatBytes } from '../../format/bytes.js';
import type { PressureHandler } from './memory-pressure-manager.js';


export interface HeapDumpOptions {
  /** Where snapshots go (created if missing). */
  dir: string;
  /** Keep at most this many of our snapshots in `dir`, deleting the oldest (default 3). */
  maxFiles?: number;
  /** Never dump more often than this, in ms (default 60 000). */
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

/** `heap-20261121T135801123Z-4242.heapsnapshot`: sorts by time, says which process. */
export function heapDumpName(time: number, pid = process.pid): string {
  const stamp = new Date(time).toISOString().replace(/[-:.]/g, '');
  return `heap-${stamp}-${pid}.heapsnapshot`;
}

const statfsFree = (dir: string): number => {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
};

/**
 * A pressure handler that writes a heap snapshot to `options.dir` — unless the last one was
 * less than `minInterval` ago, or free disk or free memory is below the heap's size (writing a
 * snapshot needs about the heap again; dumping anyway is how processes get OOM-killed). A
 * refusal is a {@link HeapDumpRefusedError}, reported through the manager's `error` event.
 *
 * @example manager.onEnter(2, heapDump({ dir: '/var/dumps', maxFiles: 3 }))
 */
export function heapDump(options: HeapDumpOptions): PressureHandler {
  const maxFiles = options.maxFiles ?? 3;
  const minInterval = options.minInterval ?? 60_000;
  const freeDisk = options.freeDisk ?? statfsFree;
  const now = options.now ?? Date.now;
  if (!Number.isInteger(maxFiles) || maxFiles < 1) throw new TypeError(`heapDump: maxFiles must be a whole number >= 1, got ${maxFiles}`);
  if (options.nearHeapLimit !== undefined) setHeapSnapshotNearHeapLimit(options.nearHeapLimit);
  let last = -Infinity;

  return async ({ readings }) => {
    const time = now();
    if (time - last < minInterval) {
      throw new HeapDumpRefusedError(`heap dump skipped: the last one was ${time - last} ms ago, under minInterval ${minInterval} ms`);
    }
    mkdirSync(options.dir, { recursive: true });
    const disk = freeDisk(options.dir);
    if (disk < readings.heapUsed) {
      throw new HeapDumpRefusedError(`heap dump refused: ${options.dir} has ${formatBytes(disk)} free, less than the ${formatBytes(readings.heapUsed)} heap; free some disk or point dir elsewhere`);
    }
    if (readings.available < readings.heapUsed) {
      throw new HeapDumpRefusedError(`heap dump refused: ${formatBytes(readings.available)} of memory available, less than the ${formatBytes(readings.heapUsed)} heap a snapshot needs again; dump at a lower level, before memory runs this short`);
    }
    last = time;
    const file = join(options.dir, heapDumpName(time));
    try {
      await writeSnapshot(file);
    } catch (error) {
      rmSync(file, { force: true }); // never leave half a snapshot behind
      throw error;
    }
    prune(options.dir, maxFiles);
  };
}

/** Deletes our oldest snapshots in `dir` beyond `maxFiles`; leaves other files alone. */
function prune(dir: string, maxFiles: number): void {
  const ours = readdirSync(dir).filter((name) => OURS.test(name)).sort();
  for (const name of ours.slice(0, Math.max(0, ours.length - maxFiles))) rmSync(join(dir, name), { force: true });
}
