import { AbortedError, HeapdiffError, InputReadError } from '../errors.js';
import { HeapGraph } from '../graph/heap-graph.js';
import { openByteSource, type SnapshotInput } from './byte-source.js';
import { SnapshotParser } from './snapshot-parser.js';

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
  const source = await openByteSource(input, signal);
  let parser: SnapshotParser | undefined;
  const report = (phase: ParseProgress['phase']): void => {
    onProgress?.({ phase, bytesRead: source.bytesRead(), totalBytes: source.totalBytes });
  };
  try {
    for await (const chunk of source.chunks) {
      parser ??= new SnapshotParser({
        ...(source.file === undefined ? {} : { file: source.file }),
        ...(source.textBytes === undefined ? {} : { totalBytes: source.textBytes }),
      });
      parser.push(chunk);
      report('parse');
      if (signal?.aborted) throw new AbortedError(undefined, { cause: signal.reason });
    }
  } catch (err) {
    if (err instanceof HeapdiffError) throw err;
    throw new InputReadError(`reading the snapshot failed: ${(err as Error).message}`, source.file, { cause: err });
  }
  parser ??= new SnapshotParser(source.file === undefined ? {} : { file: source.file });
  const parsed = parser.finish();
  report('index');
  const graph = new HeapGraph(parsed, source.file);
  report('done');
  return graph;
}
