import type { HeapGraph, SnapshotCensus } from '@heapdiff/core';

/**
 * Loads snapshots for a comparison: every one but the last is read for its census (ids,
 * classes, sizes — the graph is dropped at once, so only one is ever whole), the last as a
 * graph with its analyses. A progress line names the file being read, on a terminal.
 */
export async function loadSeries(files: readonly string[], options: { retained?: boolean; perNode?: boolean } = {}): Promise<{ earlier: SnapshotCensus[]; last: HeapGraph }> {
  const { analyzeGraph, parseSnapshot, takeCensus } = await import('@heapdiff/core');
  const { createLoadProgress } = await import('./progress.js');
  const earlier: SnapshotCensus[] = [];
  for (const [i, file] of files.entries()) {
    const progress = createLoadProgress(`${file} (${i + 1} of ${files.length})`);
    try {
      const graph = await parseSnapshot(file, { onProgress: progress.update });
      if (i === files.length - 1) {
        await analyzeGraph(graph, { onProgress: progress.analyzing });
        return { earlier, last: graph };
      }
      if (options.retained) await analyzeGraph(graph, { onProgress: progress.analyzing });
      earlier.push(takeCensus(graph, { retained: options.retained ?? false, perNode: options.perNode ?? true }));
    } finally {
      progress.done();
    }
  }
  throw new Error('loadSeries: no files');
}
