import type { HeapGraph } from '@heapdiff/core';

/**
 * Loads a snapshot for a command, and runs the graph analyses unless `shallow`, with a
 * progress line on a terminal.
 */
export async function loadGraph(file: string, options: { analyze: boolean } = { analyze: true }): Promise<HeapGraph> {
  const { analyzeGraph, parseSnapshot } = await import('@heapdiff/core');
  const { createLoadProgress } = await import('./progress.js');
  const progress = createLoadProgress(file);
  try {
    const graph = await parseSnapshot(file, { onProgress: progress.update });
    if (options.analyze) await analyzeGraph(graph, { onProgress: progress.analyzing });
    return graph;
  } finally {
    progress.done();
  }
}
