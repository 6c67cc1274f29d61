// The second thread of DevTools' snapshot initialisation, as a worker_threads worker: it
// receives a MessagePort and runs SecondaryInitManager on it (retainers, dominators, sizes).
import { workerData } from 'node:worker_threads';
import { SecondaryInitManager } from 'chrome-devtools-frontend/front_end/entrypoints/heap_snapshot_worker/HeapSnapshot.js';

new SecondaryInitManager((workerData as { port: never }).port);
