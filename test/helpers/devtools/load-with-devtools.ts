import { createReadStream } from 'node:fs';
import { MessageChannel, Worker } from 'node:worker_threads';
import { buildDevToolsLoader } from './build-devtools-loader.js';

/** The parts of DevTools' JSHeapSnapshot the tests and benchmarks use. */
export interface DevToolsSnapshot {
  nodeCount: number;
  nodes: { length: number; getValue(i: number): number };
  aggregatesWithFilter(filter: object): Record<string, { count: number; self: number; maxRet: number; name: string }>;
  [key: string]: unknown;
}

interface LoaderModule {
  HeapSnapshotLoader: new (dispatcher?: unknown) => {
    write(chunk: string): void;
    close(): void;
    buildSnapshot(port: unknown): Promise<DevToolsSnapshot>;
  };
}

/**
 * Loads a snapshot file the way DevTools does: text chunks into HeapSnapshotLoader, then
 * JSHeapSnapshot initialisation with its second thread on a real worker thread.
 */
export async function loadWithDevTools(file: string): Promise<DevToolsSnapshot> {
  const paths = await buildDevToolsLoader();
  const { HeapSnapshotLoader } = (await import(paths.loader)) as LoaderModule;
  const loader = new HeapSnapshotLoader(undefined);
  // DevTools receives the snapshot as text chunks over the protocol; so does this.
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    loader.write(chunk as string);
  }
  loader.close();
  const channel = new MessageChannel();
  const worker = new Worker(paths.secondary, { workerData: { port: channel.port2 }, transferList: [channel.port2] });
  try {
    return await loader.buildSnapshot(channel.port1);
  } finally {
    channel.port1.close();
    await worker.terminate();
  }
}
