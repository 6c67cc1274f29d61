import { shallowSizesOnWorker } from '../analysis/shallow-sizes.js';
import { AbortedError, HeapdiffError, InputReadError, SnapshotTooLargeError } from '../errors.js';
import { shown } from '../format/shown.js';
import { HeapGraph, inSharedMemory } from '../graph/heap-graph.js';
import { giveRestToAnalyses, spareMemoryOf } from '../graph/retire-graph.js';
import { openByteSource, type SnapshotInput } from '../parser/byte-source.js';
import { SlabPool, jobBytes } from '../parser/slab-pool.js';
import { SnapshotParser } from '../parser/snapshot-parser.js';
import { HeapWorkerPool } from '../workers/heap-worker-pool.js';

/** Defaults of `ParseOptions`: see there. */
const DEFAULT_PARALLEL_MIN_VALUES = 8 * 1024 * 1024;
const DEFAULT_SHARED_MIN_BYTES = 100_000_000;

/** Progress of a load, reported after each chunk and at each phase change. */
export interface ParseProgress {
  /** `parse`: reading the text; `index`: checking and indexing the graph; `done`. */
  readonly phase: 'parse' | 'index' | 'done';
  /** Input bytes read so far (compressed bytes for gzip input). */
  readonly bytesRead: number;
  /** Input size when known (files), otherwise undefined. */
  readonly totalBytes: number | undefined;
}

export interface ParseOptions {
  onProgress?: (progress: ParseProgress) => void;
  signal?: AbortSignal;
  /**
   * Worker threads for the big numeric sections: `'auto'` (default) uses one per core (at
   * most 4) once a section has at least `parallelMinValues` values; `0` parses on this thread
   * (and keeps the graph out of shared memory). Either way the result is identical.
   */
  workers?: number | 'auto';
  /**
   * Size, in values, from which a section is parsed on workers. Default 8 Mi: an `edges`
   * section that long comes with a file of about 60–90 MB, below which starting the workers
   * costs more than they save (measured on 2 cores: a 52 MB file loads ~12 % faster without,
   * a 148 MB one ~8 % faster with).
   */
  parallelMinValues?: number;
  /**
   * Text size, in bytes, from which the graph is kept in shared memory even when it is parsed
   * on this thread, so that `analyzeGraph` can hand part of its work to a worker. Default
   * 100 MB; smaller graphs are analysed faster on this thread alone.
   */
  sharedMinBytes?: number;
  /**
   * Bytes per file read (at most 4 MiB when the file is parsed on workers: a read is one
   * worker job). Default 1 MiB; 4 MiB for gzip input and for files of 400 MB and up parsed
   * on workers.
   */
  readChunkSize?: number;
  /**
   * A graph you are done with, whose memory this load writes into instead of fresh memory:
   * for a series of big snapshots loaded one after another (with a 740 MB file, fresh memory
   * is about a third of a load's time). Once the load takes its memory the graph refuses any
   * use, even if the load fails later; a load that fails before (a missing file, a bad
   * header) leaves it whole. Only graphs in shared memory (from files of 100 MB and up, or
   * parsed on workers) give memory; a smaller one is left as it is.
   */
  reuse?: HeapGraph;
}

/** Refuses options that would fail deep inside, saying which and what it takes. */
function checkOptions(options: ParseOptions): void {
  if (options.reuse !== undefined && !(options.reuse instanceof HeapGraph)) {
    throw new TypeError(`parseSnapshot: \`reuse\` takes a graph parseSnapshot loaded, got ${shown(options.reuse)}`);
  }
  const { workers, readChunkSize } = options;
  if (workers !== undefined && workers !== 'auto' && !(Number.isInteger(workers) && workers >= 0)) {
    throw new TypeError(`parseSnapshot: \`workers\` takes 'auto' or a whole number from 0, got ${shown(workers)}`);
  }
  if (readChunkSize !== undefined && !(Number.isInteger(readChunkSize) && readChunkSize > 0)) {
    throw new TypeError(`parseSnapshot: \`readChunkSize\` takes a whole number of bytes above 0, got ${shown(readChunkSize)}`);
  }
}

/**
 * Loads a V8 heap snapshot (`.heapsnapshot`, optionally gzip-compressed) into a {@link HeapGraph}.
 * The text is parsed as bytes while it streams in; only typed arrays are kept.
 *
 * @example
 * import { parseSnapshot, summarizeClasses } from '@heapdiff/core'
 * const graph = await parseSnapshot('before.heapsnapshot', {
 *   onProgress: ({ bytesRead, totalBytes }) => bar.update(bytesRead / (totalBytes ?? 1)),
 * })
 * console.table(summarizeClasses(graph).rows.slice(0, 10))
 */
export async function parseSnapshot(input: SnapshotInput, options: ParseOptions = {}): Promise<HeapGraph> {
  const { onProgress, signal } = options;
  if (signal?.aborted) throw new AbortedError(undefined, { cause: signal.reason });
  checkOptions(options);
  // Taken from only when the load needs memory the graph has: a load that fails first leaves it whole.
  const spare = options.reuse && spareMemoryOf(options.reuse);
  const workers = options.workers === 'auto' || options.workers === undefined ? HeapWorkerPool.defaultSize() : options.workers;
  const parallelMinValues = options.parallelMinValues ?? DEFAULT_PARALLEL_MIN_VALUES;
  const sharedMinBytes = options.sharedMinBytes ?? DEFAULT_SHARED_MIN_BYTES;
  // (The process's: a series of big loads reads into the same shared memory.)
  const slabs = SlabPool.lease();
  // (Known once the file is opened, before its first read.)
  let chunkBytes = options.readChunkSize ?? jobBytes(undefined);
  let source: Awaited<ReturnType<typeof openByteSource>>;
  try {
    source = await openByteSource(input, {
      signal,
      chunkSize: options.readChunkSize,
      // The parser copies what it keeps of a chunk before asking for the next.
      recycle: true,
      // Files big enough to be parsed on workers are read straight into shared slabs.
      ...(workers > 0 ? { allocate: () => slabs.acquireChunk(chunkBytes), allocateMinBytes: 2 * parallelMinValues } : {}),
    });
    chunkBytes = options.readChunkSize ?? jobBytes(source.textBytes);
  } catch (error) {
    SlabPool.release(slabs);
    throw error;
  }
  let pool: HeapWorkerPool | undefined;
  // A file this big will be parsed on workers: start them now, while the header is read.
  // (Its edges take at most 8 bytes a value; a smaller file starts them when a section needs them.)
  if (workers > 0 && source.textBytes !== undefined && source.textBytes >= 8 * parallelMinValues) {
    pool = HeapWorkerPool.lease(workers);
  }
  const parserOptions = {
    slabs,
    ...(source.file === undefined ? {} : { file: source.file }),
    ...(workers > 0 ? { getPool: () => (pool ??= HeapWorkerPool.lease(workers)), parallelMinValues } : {}),
    sharedGraph: workers > 0 && source.textBytes !== undefined && source.textBytes >= sharedMinBytes,
    ...(spare ? { spare } : {}),
  };
  let parser: SnapshotParser | undefined;
  const report = (phase: ParseProgress['phase']): void => {
    onProgress?.({ phase, bytesRead: source.bytesRead(), totalBytes: source.totalBytes });
  };
  try {
    for await (const chunk of source.chunks) {
      parser ??= new SnapshotParser({
        ...parserOptions,
        ...(source.textBytes === undefined ? {} : { totalBytes: source.textBytes }),
      });
      try {
        parser.push(chunk);
      } catch (error) {
        // A worker may have met a bad value earlier in the file than this one: the first wins,
        // as in a parse on this thread alone.
        await parser.settle(0);
        throw error;
      }
      parser.releaseChunk(chunk);
      // Keep a few slices per worker in flight; merge the rest before reading on.
      if (pool && parser.pendingJobs > pool.size * 2) await parser.settle(pool.size);
      report('parse');
      if (signal?.aborted) throw new AbortedError(undefined, { cause: signal.reason });
    }
    parser ??= new SnapshotParser(parserOptions);
    const parsed = await parser.finish();
    report('index');
    const graph = new HeapGraph(parsed, source.file);
    if (spare && inSharedMemory(graph)) giveRestToAnalyses(graph, spare);
    if (pool && inSharedMemory(graph)) {
      // Big graphs: shallow sizes on a worker while this thread names the classes, and goes on
      // with what the caller does next (`shallowSizes(graph)` waits for the worker if need be).
      shallowSizesOnWorker(graph, pool).catch(() => {});
      void graph.classes;
    }
    report('done');
    return graph;
  } catch (err) {
    if (err instanceof HeapdiffError) throw err;
    if (err instanceof RangeError && /allocation failed|Invalid (typed )?array (buffer )?length/i.test(err.message)) {
      // Sizes are checked before anything is allocated; this is the last line, for memory that runs out anyway.
      throw new SnapshotTooLargeError(
        `the snapshot needs more memory than this process can allocate (${err.message}); try a machine with more memory`,
        source.file === undefined ? {} : { file: source.file },
      );
    }
    throw new InputReadError(`reading the snapshot failed: ${(err as Error).message}`, source.file, { cause: err });
  } finally {
    // (The process's pools: kept a few seconds for the next load or analysis.)
    if (pool) HeapWorkerPool.release(pool);
    SlabPool.release(slabs);
  }
}
