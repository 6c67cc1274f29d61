import { closeSync, openSync, writeSync } from 'node:fs';
import { HeapGraph } from '../graph/heap-graph.js';
import { SnapshotParser } from '../parser/snapshot-parser.js';
import { CaptureError } from '../errors.js';
import { post, serialized, setChunkConsumer } from './inspector-session.js';

// Not Buffer.from: small Buffers come from Node's shared pool, whose refills would count as
// the program's allocations in a relative-heap diff.
const utf8 = new TextEncoder();

export interface CaptureOptions {
  /**
   * Collect garbage first (through the inspector: no `--expose-gc` needed), so the snapshot
   * holds only what is really alive. Default true.
   */
  gc?: boolean;
}

export interface TakeSnapshotOptions extends CaptureOptions {
  /** Also write the `.heapsnapshot` text to this file as it streams. */
  file?: string;
}

/**
 * Streams a heap snapshot of this thread's heap (the main thread's, or a worker's) through a
 * consumer, chunk by chunk as the inspector delivers them — synchronously on Node 20, later on
 * Node 22 and after; either way nothing holds the whole text.
 */
async function streamSnapshot(options: CaptureOptions, consume: (chunk: string) => void): Promise<void> {
  await serialized(async () => {
    if (options.gc ?? true) await post('HeapProfiler.collectGarbage');
    let failure: unknown;
    setChunkConsumer((chunk) => {
      if (failure !== undefined) return;
      try {
        consume(chunk);
      } catch (error) {
        failure = error;
      }
    });
    try {
      await post('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    } finally {
      setChunkConsumer(undefined);
    }
    if (failure !== undefined) throw failure;
  });
}

/**
 * Takes a heap snapshot of this thread's heap and parses it while it streams: no temporary
 * file, no whole-snapshot string. Garbage is collected first unless `gc: false`.
 *
 * @example
 * const graph = await takeSnapshot()
 * const { rows } = summarizeClasses(graph)
 */
export async function takeSnapshot(options: TakeSnapshotOptions = {}): Promise<HeapGraph> {
  // Created at the first chunk, after V8 has built the snapshot: heapdiff's own parsing
  // machinery is then never part of what it measures.
  let parser: SnapshotParser | undefined;
  const fd = options.file === undefined ? undefined : openFile(options.file);
  try {
    await streamSnapshot(options, (chunk) => {
      if (fd !== undefined) writeSync(fd, chunk);
      parser ??= new SnapshotParser(options.file === undefined ? {} : { file: options.file });
      parser.push(utf8.encode(chunk));
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  parser ??= new SnapshotParser();
  return new HeapGraph(await parser.finish(), options.file);
}

/**
 * Writes a heap snapshot of this thread's heap to `file`, streaming; resolves with its size.
 *
 * @example await writeSnapshot('before.heapsnapshot')
 */
export async function writeSnapshot(file: string, options: CaptureOptions = {}): Promise<{ file: string; bytes: number }> {
  const fd = openFile(file);
  let bytes = 0;
  try {
    await streamSnapshot(options, (chunk) => {
      bytes += writeSync(fd, chunk);
    });
  } finally {
    closeSync(fd);
  }
  return { file, bytes };
}

function openFile(file: string): number {
  try {
    return openSync(file, 'w');
  } catch (error) {
    throw new CaptureError(`cannot write the snapshot to ${file}: ${(error as Error).message}`, { cause: error });
  }
}
