export {
  HeapdiffError,
  SnapshotError,
  SnapshotFormatError,
  SnapshotTruncatedError,
  SnapshotInconsistentError,
  SnapshotEncodingError,
  SnapshotTooLargeError,
  InputReadError,
  AbortedError,
  type InputLocation,
} from './errors.js';
export { parseSnapshot, type ParseOptions, type ParseProgress } from './parser/parse-snapshot.js';
export type { SnapshotInput } from './parser/byte-source.js';
export type { SnapshotHeader, SnapshotLayout } from './parser/snapshot-layout.js';
export type { StringTable } from './parser/string-table.js';
export type { TraceTree } from './parser/trace-tree.js';
export { HeapGraph } from './graph/heap-graph.js';
export { classNameForType, type ClassIndex } from './graph/class-names.js';
export { DomState, propagateDomState } from './graph/dom-state.js';
export { shallowSizes } from './analysis/shallow-sizes.js';
export { nodeDistances, NO_DISTANCE, BASE_SYSTEM_DISTANCE } from './analysis/distances.js';
export { analyzeGraph, type AnalyzeOptions, type AnalyzeProgress } from './analysis/analyze-graph.js';
export { dominatorTree, essentialEdges, type DominatorTree } from './analysis/dominators.js';
export { pageOwnedNodes } from './analysis/page-objects.js';
export {
  retainerPath,
  formatRetainerPath,
  edgeLabel,
  nodeLabel,
  dominatorChain,
  dominatedChildren,
  type RetainerStep,
} from './analysis/retainer-path.js';
export { describeNode, summarizeNode, type NodeReport, type NodeSummary } from './analysis/node-report.js';
export type { Retainers } from './graph/retainers.js';
export {
  summarizeClasses,
  viewSummary,
  type ClassSummaryRow,
  type HeapSummary,
  type SummaryOptions,
  type SummarySortKey,
  type SummaryView,
} from './analysis/class-summary.js';
export { topAllocationStacks, allocationStackReader, type AllocationStack, type AllocationFrame } from './analysis/allocation-stacks.js';
export { takeSnapshot, writeSnapshot, type CaptureOptions, type TakeSnapshotOptions } from './capture/take-snapshot.js';
export { CaptureError } from './capture/inspector-session.js';
export { markHeap, type HeapMark, type MarkOptions } from './relative/heap-mark.js';
export { relativeHeap, type RelativeHeap, type RelativeHeapGroup } from './relative/relative-heap.js';
export {
  captureRemoteSnapshot,
  activateInspector,
  inspectorWebSocketUrl,
  type InspectorAddress,
  type RemoteCaptureOptions,
} from './capture/remote-capture.js';
