// The public face of `@heapdiff/core/capture`: heap snapshots of this thread or of another
// Node process, and marks in this thread's heap (the relative heap). Anything not listed here
// is private.
export { CaptureError } from '../errors.js';
export { takeSnapshot, writeSnapshot, type CaptureOptions, type TakeSnapshotOptions } from './take-snapshot.js';
export { markHeap, type HeapMark, type MarkOptions } from './heap-mark.js';
export {
  captureRemoteSnapshot,
  RemoteHeapSession,
  type RemoteCaptureOptions,
  type RemoteSnapshotOptions,
} from './remote-capture.js';
export { inspectorWebSocketUrl, type InspectorAddress } from './inspector-address.js';
export { activateInspector } from './activate-inspector.js';
export { isLoopbackHost } from './loopback.js';
