import type { HeapGraph } from '@heapdiff/core';

/** Loads a snapshot for a command, with the progress line on a terminal. */
export async function loadGraph(file: string): Promise<HeapGraph> {
  const { parseSnapshot } = await import('@heapdiff/core');
  const { createLoadProgress } = await import('./progress.js');
  const progress = createLoadProgress(file);
  try {
    return await parseSnapshot(file, { onProgress: progress.update });
  } finally {
    progress.done();
  }
}
