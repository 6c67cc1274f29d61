// The public face of `@heapdiff/core`: load a snapshot, read its graph, summarise and analyse
// it, and the errors. Capture lives in `@heapdiff/core/capture`, the runtime memory kit in
// `@heapdiff/core/runtime`. Anything not listed here is private.
export {
  ERROR_CODES,
  HeapdiffError,
  SnapshotError,
  SnapshotFormatError,
  SnapshotTruncatedError,
  SnapshotInconsistentError,
  SnapshotEncodingError,
  SnapshotTooLargeError,
  InputReadError,
  AbortedError,
  NodeNotFoundError,
  CaptureError,
  MemoryLimitError,
  HeapDumpRefusedError,
  UsageError,
  SnapshotsUnrelatedError,
  InvalidOptionError,
  PressureHandlerError,
  type HeapdiffErrorCode,
  type InputLocation,
} from './errors.js';
export { formatBytes, formatCount } from './format/bytes.js';
export { counted, noun } from './format/counted.js';
export { makeDirectory } from './files/make-directory.js';

// Loading
export { parseSnapshot, type ParseOptions, type ParseProgress } from './load/parse-snapshot.js';
export { analyzeGraph, type AnalyzeOptions, type AnalyzeProgress } from './load/analyze-graph.js';
export type { SnapshotInput } from './parser/byte-source.js';
export type { SnapshotHeader, SnapshotLayout } from './parser/snapshot-layout.js';
export type { StringTable } from './parser/string-table.js';
export type { TraceTree } from './parser/trace-tree.js';

// The graph
export type { HeapGraph, GraphLayout } from './graph/heap-graph.js';
export { EDGE_FIELDS, EDGE_TYPE_NAME, EDGE_TO_NODE, type EdgePacking } from './parser/packed-edges.js';
export type { ClassIndex } from './graph/class-names.js';
export { classKeys, type ClassKeys, type ClassGrouping, type SourceLocation } from './graph/class-keys.js';
export type { ObjectShape } from './graph/object-shapes.js';
export type { Retainers } from './graph/retainers.js';

// Analyses
export { shallowSizes } from './analysis/shallow-sizes.js';
export { nodeDistances, NO_DISTANCE, BASE_SYSTEM_DISTANCE } from './analysis/distances.js';
export { dominatorTree, type DominatorTree } from './analysis/dominators.js';
export {
  retainerPath,
  formatRetainerPath,
  dominatorChain,
  dominatedChildren,
  edgeLabel,
  nodeLabel,
  type RetainerStep,
} from './analysis/retainer-path.js';
export { describeNode, summarizeNode, type NodeReport, type NodeSummary } from './analysis/node-report.js';
export {
  summarizeClasses,
  viewSummary,
  type ClassSummaryRow,
  type HeapSummary,
  type SummaryOptions,
  type SummarySortKey,
  type SummaryView,
} from './analysis/class-summary.js';
export { classMembers } from './analysis/class-members.js';
export { topAllocationStacks, allocationStackReader, type AllocationStack, type AllocationFrame } from './analysis/allocation-stacks.js';

// Comparisons
export { takeCensus, type SnapshotCensus, type CensusClass, type CensusOptions } from './diff/snapshot-census.js';
export { diffSnapshots, type SnapshotDiff, type ClassDiffRow, type DiffOptions } from './diff/snapshot-diff.js';
export { viewDiff, type DiffView, type DiffSortKey } from './diff/view-diff.js';

// Leaks
export { findLeaks, prepareLeaks, type LeakReport, type LeakGroup, type LeakPathStep, type LeakOptions } from './leaks/find-leaks.js';
export { relativeHeap, type RelativeHeap, type RelativeHeapGroup, type RelativeHeapOptions } from './diff/relative-heap.js';
