import type { EssentialEdgesParams } from '../kernels/essential-edges-kernel.js';
import type { DistanceParams } from '../kernels/distances-kernel.js';
import type { PageOwnedParams } from '../kernels/page-owned-kernel.js';
import type { WasmMemory } from '../kernels/number-tokenizer.js';
import type { PlaceResult, RecordSpec } from '../kernels/place-records.js';
import type { PlainObjectsParams } from '../kernels/plain-objects-kernel.js';
import type { ShallowSizesParams } from '../kernels/shallow-sizes-kernel.js';

/**
 * The messages a heap worker understands, one per kernel. Arrays travel as their buffers:
 * shared memory when they must be read or written in place, copies otherwise.
 */

/**
 * A job's `done` flag: three Int32 in shared memory, for a thread that waits for the job
 * without its reply (`Atomics.wait`): the state (`JOB_STATE`: 0 until the job is over, then
 * `JOB_DONE` or `JOB_FAILED`), a detail the job may set (`JOB_DETAIL`), and whether it was
 * given to a worker yet (`JOB_POSTED`, set by the pool: until then, waiting would wait forever).
 */
export type JobDone = SharedArrayBuffer;
export const JOB_STATE = 0;
export const JOB_DETAIL = 1;
export const JOB_POSTED = 2;
export const JOB_DONE = 1;
export const JOB_FAILED = 2;

/** A new `done` flag for a job. */
export function jobDoneFlag(): JobDone {
  return new SharedArrayBuffer(3 * 4);
}

/** Turn `input[start..start + length)` into integers in `output` (see `tokenizeUint32`). */
export interface TokenizeJob {
  readonly kind: 'tokenize';
  readonly input: SharedArrayBuffer;
  /** Where the values go, from `outputOffset` on: `input` itself when `memory` is given. */
  readonly output: SharedArrayBuffer;
  readonly outputOffset: number;
  /** How many values `output` has room for from `outputOffset`. */
  readonly outputLength: number;
  /**
   * The WebAssembly memory whose buffer is `input` (see `Slab.memory`): the worker's tokenizer
   * then reads and writes it in place; without it the input is copied in a piece at a time.
   */
  readonly memory?: WasmMemory;
  readonly start: number;
  readonly length: number;
  /** Tokenizer phase to start in: `PHASE_OPENED` right after "[", `PHASE_EXPECT_VALUE` after ",". */
  readonly phase: number;
}

export interface TokenizeReply {
  readonly count: number;
  readonly status: number;
  readonly phase: number;
  /** Where the tokenizer stopped, relative to the job's start. */
  readonly position: number;
  /** The offending byte when `status` is STATUS_BAD_BYTE, else -1. */
  readonly byte: number;
}

/** Put the first `count` values of `output` into `dest` at `offset`, checking them (see `placeRecords`). */
export interface PlaceJob {
  readonly kind: 'place';
  readonly output: SharedArrayBuffer;
  /** Byte offset of the first value in `output`. */
  readonly outputOffset: number;
  readonly count: number;
  readonly dest: ArrayBufferLike;
  readonly offset: number;
  readonly spec: RecordSpec;
  /** Nodes: where the side fields go (see `NodeSideArrays`), as shared buffers. */
  readonly side?: { readonly edgeCounts: SharedArrayBuffer; readonly traceNodeIds: SharedArrayBuffer | undefined; readonly detachedness: boolean };
}

/** Shallow sizes into `sizes` (see `shallowSizesKernel`); `done`'s detail is 1 when they came back wide. */
export interface ShallowSizesJob {
  readonly kind: 'shallow-sizes';
  readonly done?: JobDone;
  readonly nodes: ArrayBufferLike;
  readonly edges: ArrayBufferLike;
  readonly firstEdge: ArrayBufferLike;
  readonly params: ShallowSizesParams;
  readonly sizes: ArrayBufferLike;
  /** Where in `sizes` (bytes) the sizes start. */
  readonly sizesOffset: number;
}

export interface ShallowSizesReply {
  /** Set when a sum outgrew 32 bits: the sizes as a Float64Array copy. */
  readonly wide: Float64Array | undefined;
}

/** Distances from the GC roots into `out` (see `distancesKernel`). */
export interface DistancesJob {
  readonly kind: 'distances';
  readonly nodes: ArrayBufferLike;
  readonly edges: ArrayBufferLike;
  readonly firstEdge: ArrayBufferLike;
  readonly params: DistanceParams;
  readonly ephemeronPairOf: Int32Array;
  readonly descriptorSlots: number[];
  readonly out: ArrayBufferLike;
  readonly queue: ArrayBufferLike;
  /** Where in `queue` (bytes) the work array starts. */
  readonly queueOffset: number;
  readonly queueLength: number;
}

/** The dominator tree's depth-first search (see `dominatorDfsKernel`). */
export interface DominatorDfsJob {
  readonly kind: 'dominator-dfs';
  readonly edges: ArrayBufferLike;
  readonly firstEdge: ArrayBufferLike;
  readonly essential: Int32Array;
  readonly edgeStep: number;
  readonly toAt: number;
  readonly start: number;
  /** Length of each working array (node count + 1). */
  readonly size: number;
  readonly parentBuffer: ArrayBufferLike;
  /** Each array's buffer and where in it (bytes) the array starts. */
  readonly vertex: ArrayBufferLike;
  readonly vertexOffset: number;
  readonly label: ArrayBufferLike;
  readonly labelOffset: number;
  readonly semi: ArrayBufferLike;
  readonly semiOffset: number;
  readonly scratch: ArrayBufferLike;
  readonly scratchOffset: number;
}

/** The program-owned nodes into `flags` (see `pageOwnedKernel`). */
export interface PageOwnedJob {
  readonly kind: 'page-owned';
  readonly edges: ArrayBufferLike;
  readonly firstEdge: ArrayBufferLike;
  readonly params: PageOwnedParams;
  readonly seeds: Uint32Array;
  readonly flags: ArrayBufferLike;
}

/** The edges that count for the dominator tree into `bits` (see `essentialEdgesKernel`). */
export interface EssentialEdgesJob {
  readonly kind: 'essential-edges';
  readonly nodes: ArrayBufferLike;
  readonly edges: ArrayBufferLike;
  readonly firstEdge: ArrayBufferLike;
  readonly params: EssentialEdgesParams;
  readonly page: ArrayBufferLike;
  readonly ephemeronOf: Int32Array;
  readonly tableIds: Float64Array;
  readonly bits: ArrayBufferLike;
}

/** The retainer index with its slot bits (see `retainersKernel`). */
export interface RetainersJob {
  readonly kind: 'retainers';
  readonly edges: ArrayBufferLike;
  /** Values of `edges` in use (the buffer may go on past them). */
  readonly edgeLength: number;
  readonly firstEdge: ArrayBufferLike;
  readonly params: { readonly edgeStep: number; readonly toAt: number; readonly nodeCount: number };
  readonly firstRetainer: ArrayBufferLike;
  readonly retainerNodes: ArrayBufferLike;
  readonly retainerNodesOffset: number;
  readonly retainerNodesLength: number;
  readonly edgeBits: Int32Array;
  readonly slotBits: ArrayBufferLike;
}

/** The plain objects and their property names (see `plainObjectsKernel`), all in shared memory. */
export interface PlainObjectsJob {
  readonly kind: 'plain-objects';
  readonly done: JobDone;
  readonly nodes: ArrayBufferLike;
  readonly edges: ArrayBufferLike;
  readonly firstEdge: ArrayBufferLike;
  readonly params: PlainObjectsParams;
  /** Room for the plain objects (one value per node), from its start. */
  readonly objects: ArrayBufferLike;
  /** One value per node, from `entryOfOffset` (bytes): each plain object's entry is written there. */
  readonly entryOf: ArrayBufferLike;
  readonly entryOfOffset: number;
  readonly names: ArrayBufferLike;
  readonly entryStart: ArrayBufferLike;
  readonly entryCount: ArrayBufferLike;
  readonly result: ArrayBufferLike;
  /**
   * One Int32, 0 until taken: the worker sets it to 1 as it starts (and wakes the waiting
   * thread); the waiting thread sets it to 2 when the job is late to start, and reads the
   * objects itself: the worker then skips the job. (Whoever changes it from 0 has the job.)
   */
  readonly claim: SharedArrayBuffer;
}

/** Jobs run one after the other on one worker (a later one may read what an earlier one wrote). */
export interface SequenceJob {
  readonly kind: 'sequence';
  readonly jobs: readonly Exclude<WorkerJob, SequenceJob>[];
}

export type WorkerJob =
  | TokenizeJob
  | PlaceJob
  | ShallowSizesJob
  | DistancesJob
  | DominatorDfsJob
  | PageOwnedJob
  | EssentialEdgesJob
  | RetainersJob
  | PlainObjectsJob
  | SequenceJob;

/** What each kind of job answers. */
export interface WorkerReplies {
  tokenize: TokenizeReply;
  place: PlaceResult;
  'shallow-sizes': ShallowSizesReply;
  distances: Record<string, never>;
  'dominator-dfs': { readonly count: number };
  'page-owned': Record<string, never>;
  'essential-edges': Record<string, never>;
  retainers: Record<string, never>;
  'plain-objects': Record<string, never>;
  sequence: readonly unknown[];
}

export type ReplyTo<J extends WorkerJob> = WorkerReplies[J['kind']];
