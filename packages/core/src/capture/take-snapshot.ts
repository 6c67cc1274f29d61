import type { HeapGraph } from '../graph/heap-graph.js';
import { serialized } from './inspector-session.js';
import { PreparedSnapshot } from './prepared-snapshot.js';
import { FileSink, GraphSink } from './snapshot-sinks.js';

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
 * Takes a heap snapshot of this thread's heap (the main thread's, or a worker's) and parses
 * it while it streams: no temporary file, no whole-snapshot string. Garbage is collected
 * first unless `gc: false`.
 *
 * @example
 * const graph = await takeSnapshot()
 * const { rows } = summarizeClasses(graph)
 */
export async function takeSnapshot(options: TakeSnapshotOptions = {}): Promise<HeapGraph> {
  const sink = new GraphSink(options.file);
  return serialized(() => new PreparedSnapshot(sink, options).take());
}

/**
 * Writes a heap snapshot of this thread's heap to `file`, streaming; resolves with its size.
 *
 * @example await writeSnapshot('before.heapsnapshot')
 */
export async function writeSnapshot(file: string, options: CaptureOptions = {}): Promise<{ file: string; bytes: number }> {
  const sink = new FileSink(file);
  return serialized(() => new PreparedSnapshot(sink, options).take());
}
