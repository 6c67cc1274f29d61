import type { HeapGraph, SnapshotInput } from '@heapdiff/core';

/** The file argument that means standard input (see dash-argument.ts). */
export const STDIN_ARGUMENT = '-';

/**
 * What the parser reads for a file argument: `-` is standard input (a pipe or a redirected
 * file; refused when it is the terminal, where nobody would type a snapshot), anything else
 * a path — a file, or a FIFO or device, which the parser reads as a stream.
 */
export async function snapshotInput(file: string): Promise<SnapshotInput> {
  if (file !== STDIN_ARGUMENT) return file;
  if (process.stdin.isTTY) {
    const { UsageError } = await import('@heapdiff/core');
    throw new UsageError('"-" reads the snapshot from standard input, which is a terminal here: pipe one in, as in cat app.heapsnapshot | heapdiff summary -');
  }
  return process.stdin;
}

/** How progress and messages name a file argument. */
export function inputLabel(file: string): string {
  return file === STDIN_ARGUMENT ? 'standard input' : file;
}

/**
 * Loads a snapshot for a command, and runs the graph analyses unless `analyze` is false (all
 * but the node distances when `distances` is false), with a progress line on a terminal. `-`
 * reads standard input.
 */
export async function loadGraph(file: string, options: { analyze: boolean; distances?: boolean } = { analyze: true }): Promise<HeapGraph> {
  const { analyzeGraph, parseSnapshot } = await import('@heapdiff/core');
  const { createLoadProgress } = await import('./progress.js');
  const input = await snapshotInput(file);
  const progress = createLoadProgress(inputLabel(file));
  try {
    const graph = await parseSnapshot(input, { onProgress: progress.update });
    if (options.analyze) await analyzeGraph(graph, { onProgress: progress.analyzing, distances: options.distances ?? true });
    return graph;
  } finally {
    progress.done();
  }
}
