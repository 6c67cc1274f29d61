// The public face of `@heapdiff/core/server`: a protected memory endpoint for a running app.
// Anything not listed here is private.
export { memoryEndpoint, type MemoryEndpoint, type MemoryEndpointOptions } from './memory-endpoint.js';
export type { BasicAuthCheck } from './basic-auth.js';
export type { CaptureStats, CaptureRecord, CaptureOutcome, CaptureKind } from './capture-guard.js';
export type { MemorySummaryJson, MemorySinceJson, ProcessFigures } from './memory-report.js';
