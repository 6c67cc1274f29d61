import { readFileSync } from 'node:fs';
import { freemem, totalmem } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { nonEmptyString } from '../option-checks.js';

/** One look at memory: the process's and the machine's (or its container's). */
export interface MemoryReadings {
  /** Resident memory of this process, bytes. */
  readonly rss: number;
  readonly heapUsed: number;
  /** V8's heap size limit, bytes. */
  readonly heapLimit: number;
  /** What the process may use: the container's limit (cgroup v2, v1) or the machine's total. */
  readonly limit: number;
  /** Memory still available to the process: under the container's limit, or the machine's free memory. */
  readonly available: number;
  /** Where `limit` came from. */
  readonly source: 'cgroup2' | 'cgroup1' | 'constrained' | 'host';
}

function readNumber(path: string): number | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    if (text === 'max') return Infinity;
    const value = Number(text);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads memory the container-aware way: cgroup v2 (`memory.max`, `memory.current`), then
 * cgroup v1 (`memory.limit_in_bytes`, `memory.usage_in_bytes`), then
 * `process.constrainedMemory()`, and only then the host's totals. `root` lets tests point at a
 * fake file system.
 *
 * @example readMemoryReadings().available   // bytes left before the container's limit
 */
export function readMemoryReadings(root = '/'): MemoryReadings {
  nonEmptyString('readMemoryReadings: root', root, 'a directory path (a non-empty string)');
  const usage = process.memoryUsage();
  const heapLimit = getHeapStatistics().heap_size_limit;
  const host = { total: totalmem(), free: freemem() };
  const base = { rss: usage.rss, heapUsed: usage.heapUsed, heapLimit };
  const v2Max = readNumber(join(root, 'sys/fs/cgroup/memory.max'));
  const v2Current = readNumber(join(root, 'sys/fs/cgroup/memory.current'));
  if (v2Max !== undefined && v2Current !== undefined && Number.isFinite(v2Max)) {
    return { ...base, limit: v2Max, available: Math.max(0, v2Max - v2Current), source: 'cgroup2' };
  }
  const v1Max = readNumber(join(root, 'sys/fs/cgroup/memory/memory.limit_in_bytes'));
  const v1Usage = readNumber(join(root, 'sys/fs/cgroup/memory/memory.usage_in_bytes'));
  // cgroup v1 writes a huge number (about 2^63) for "no limit".
  if (v1Max !== undefined && v1Usage !== undefined && v1Max < host.total * 16) {
    return { ...base, limit: v1Max, available: Math.max(0, v1Max - v1Usage), source: 'cgroup1' };
  }
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  if (constrained && constrained > 0 && constrained < host.total) {
    return { ...base, limit: constrained, available: Math.max(0, Math.min(host.free, constrained - usage.rss)), source: 'constrained' };
  }
  return { ...base, limit: host.total, available: host.free, source: 'host' };
}
