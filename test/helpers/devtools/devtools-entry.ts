// Bundled by build-devtools-loader.ts into one Node ESM file. Runs DevTools' own heap
// snapshot worker code (from the chrome-devtools-frontend package) outside the browser.
import { HeapSnapshotLoader } from 'chrome-devtools-frontend/front_end/entrypoints/heap_snapshot_worker/HeapSnapshotLoader.js';
import * as HeapSnapshot from 'chrome-devtools-frontend/front_end/entrypoints/heap_snapshot_worker/HeapSnapshot.js';

export { HeapSnapshotLoader, HeapSnapshot };
