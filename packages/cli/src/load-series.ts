import type { HeapGraph, SnapshotCensus } from '@heapdiff/core';
import { STDIN_ARGUMENT, inputLabel, snapshotInput } from './load-graph.js';

export interface LoadSeriesOptions {
  retained?: boolean;
  /** Keep each earlier census's per-node arrays (a comparison needs them): all, or only the one before the last. */
  perNode?: boolean | 'previous';
  /** Where progress goes instead of a line on stderr (the UI shows it in its status line). */
  progress?: (text: string) => void;
  /** Work on the last graph for the time its analysis waits for its workers (see `analyzeGraph`'s `alongside`). */
  alongside?: (last: HeapGraph) => void;
}

/**
 * Loads snapshots for a comparison: every one but the last is read for its census (ids,
 * classes, sizes), the last as a graph with its analyses. Only one graph is ever whole: each
 * earlier one, once its census is taken, gives its memory to the next load (`reuse`: big files
 * then skip most of the fresh memory a load needs), and the rest is collected before the next
 * file is read (V8 frees shared buffers only on a full collection, which it may not run in
 * time on its own). A progress line names the file being read, on a terminal.
 */
export async function loadSeries(files: readonly string[], options: LoadSeriesOptions = {}): Promise<{ earlier: SnapshotCensus[]; last: HeapGraph }> {
  if (files.length === 0) throw new Error('loadSeries: no files');
  if (files.filter((file) => file === STDIN_ARGUMENT).length > 1) {
    const { UsageError } = await import('@heapdiff/core');
    throw new UsageError('"-" (standard input) is given more than once: it can be read only once; give the other snapshots as files');
  }
  const { collectGarbage } = await import('@heapdiff/core/runtime');
  const { analyzeGraph, takeCensus } = await import('@heapdiff/core');
  const earlier: SnapshotCensus[] = [];
  let previous: HeapGraph | undefined;
  for (const [i, file] of files.slice(0, -1).entries()) {
    const perNode = options.perNode === 'previous' ? i === files.length - 2 : (options.perNode ?? true);
    earlier.push(
      await load(file, `${inputLabel(file)} (${i + 1} of ${files.length})`, options, previous, async (graph, progress) => {
        if (options.retained) await analyzeGraph(graph, { onProgress: progress.analyzing });
        previous = graph;
        return takeCensus(graph, { retained: options.retained ?? false, perNode });
      }),
    );
    await collectGarbage();
  }
  const last = files[files.length - 1]!;
  return {
    earlier,
    last: await load(last, `${inputLabel(last)} (${files.length} of ${files.length})`, options, previous, async (graph, progress) => {
      const { alongside } = options;
      await analyzeGraph(graph, { onProgress: progress.analyzing, ...(alongside ? { alongside: () => alongside(graph) } : {}) });
      return graph;
    }),
  };
}

type Progress = ReturnType<(typeof import('./progress.js'))['createLoadProgress']>;

async function load<T>(file: string, label: string, options: LoadSeriesOptions, reuse: HeapGraph | undefined, use: (graph: HeapGraph, progress: Progress) => Promise<T>): Promise<T> {
  const { parseSnapshot } = await import('@heapdiff/core');
  const { createLoadProgress } = await import('./progress.js');
  const input = await snapshotInput(file);
  const progress = createLoadProgress(label, process.stderr, options.progress);
  try {
    return await use(await parseSnapshot(input, { onProgress: progress.update, ...(reuse ? { reuse } : {}) }), progress);
  } finally {
    progress.done();
  }
}
