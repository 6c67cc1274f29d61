import { distancesKernel } from '../kernels/distances-kernel.js';
import { dominatorDfsKernel } from '../kernels/dominator-dfs-kernel.js';
import { NUMBER_TOKENIZER_WASM } from '../kernels/number-tokenizer-wasm.js';
import {
  createTokenizerState,
  createWasmTokenizer,
  instantiateWasmTokenizer,
  STATE_COUNT,
  STATE_PHASE,
  STATE_STATUS,
  STATUS_BAD_BYTE,
  tokenizeUint32,
  tokenizeWasm,
} from '../kernels/number-tokenizer.js';
import { essentialEdgesKernel } from '../kernels/essential-edges-kernel.js';
import { pageOwnedKernel } from '../kernels/page-owned-kernel.js';
import { plainObjectsKernel } from '../kernels/plain-objects-kernel.js';
import { retainersKernel } from '../kernels/retainers-kernel.js';
import { placeRecords } from '../kernels/place-records.js';
import { shallowSizesKernel } from '../kernels/shallow-sizes-kernel.js';
import { JOB_DETAIL, JOB_DONE, JOB_FAILED, JOB_STATE } from './worker-jobs.js';

/**
 * The worker body: one handler per kind of `WorkerJob`, each calling the main thread's own
 * kernel, serialised with `toString()` — so workers and the single-threaded path run the very
 * same code. Replies are `{ id, reply }`.
 */
export function workerSource(): string {
  return `'use strict';
const createTokenizerState = ${createTokenizerState.toString()};
const tokenizeUint32 = ${tokenizeUint32.toString()};
const tokenizeWasm = ${tokenizeWasm.toString()};
const createWasmTokenizer = ${createWasmTokenizer.toString()};
const instantiateWasmTokenizer = ${instantiateWasmTokenizer.toString()};
// The module, compiled by the first in-place job.
let compiled = undefined;
// Made for the first tokenize job (a pool for the analyses never tokenizes); undefined without
// WebAssembly. (An inline parse reads with an instance of its own: numeric-section.ts.)
let wasm = null;
const placeRecords = ${placeRecords.toString()};
const placeWarmed = new Set();
const shallowSizesKernel = ${shallowSizesKernel.toString()};
const distancesKernel = ${distancesKernel.toString()};
const dominatorDfsKernel = ${dominatorDfsKernel.toString()};
const pageOwnedKernel = ${pageOwnedKernel.toString()};
const essentialEdgesKernel = ${essentialEdgesKernel.toString()};
const retainersKernel = ${retainersKernel.toString()};
const plainObjectsKernel = ${plainObjectsKernel.toString()};
const handlers = {
  tokenize(job) {
    const bytes = new Uint8Array(job.input, job.start, job.length);
    const state = createTokenizerState();
    state[${STATE_PHASE}] = job.phase;
    const out = new Uint32Array(job.output, job.outputOffset, job.outputLength);
    let tokenizer;
    if (job.memory) {
      // In place: an instance on the job's memory (instantiating is some microseconds; one
      // kept per memory would keep slabs alive after their pool dropped them).
      tokenizer = instantiateWasmTokenizer(compiled ?? '${NUMBER_TOKENIZER_WASM}', job.memory);
      compiled = tokenizer.compiled;
    } else {
      if (wasm === null) wasm = createWasmTokenizer('${NUMBER_TOKENIZER_WASM}');
      tokenizer = wasm;
    }
    const position = tokenizer ? tokenizeWasm(bytes, 0, bytes.length, out, state, tokenizer) : tokenizeUint32(bytes, 0, bytes.length, out, state);
    const status = state[${STATE_STATUS}];
    return { count: state[${STATE_COUNT}], status, phase: state[${STATE_PHASE}], position, byte: status === ${STATUS_BAD_BYTE} ? bytes[position] : -1 };
  },
  place(job) {
    const side = job.side && {
      edgeCounts: new Uint32Array(job.side.edgeCounts),
      traceNodeIds: job.side.traceNodeIds && new Uint32Array(job.side.traceNodeIds),
      detachedness: job.side.detachedness,
    };
    const src = new Uint32Array(job.output, job.outputOffset, job.count);
    const dest = new Uint32Array(job.dest);
    // Before the first job of each kind, a few dozen runs over its first few records (writing
    // the same values the real call writes again): so that all of placeRecords, the code after
    // its loops too, has type feedback before V8 optimises a loop in the middle of it. (V8 keeps
    // no feedback for a function's first few calls.) Else that loop's optimised code, made
    // before the code after it ever ran with feedback and reused by every later job, gives up
    // at the end of each job: 28 times on a 150 MB file, whose jobs then ran unoptimised for
    // most of their time (140 ns an edge instead of 7).
    const mode = job.spec.packTypeBits >= 0 ? 'edges' : side ? 'nodes' : 'copy';
    if (!placeWarmed.has(mode)) {
      placeWarmed.add(mode);
      for (let i = 0; i < 64; i++) placeRecords(src, Math.min(job.count, 4 * job.spec.fieldCount), dest, job.offset, job.spec, side);
    }
    return placeRecords(src, job.count, dest, job.offset, job.spec, side);
  },
  'shallow-sizes'(job) {
    const sizes = new Uint32Array(job.sizes, job.sizesOffset, job.params.nodeCount);
    const result = shallowSizesKernel(new Uint32Array(job.nodes), new Uint32Array(job.edges), new Uint32Array(job.firstEdge), job.params, sizes);
    if (job.done && result !== sizes) Atomics.store(new Int32Array(job.done), ${JOB_DETAIL}, 1);
    return { wide: result === sizes ? undefined : result };
  },
  distances(job) {
    distancesKernel(new Uint32Array(job.nodes), new Uint32Array(job.edges), new Uint32Array(job.firstEdge), job.params,
      job.ephemeronPairOf, job.descriptorSlots, new Int32Array(job.out), new Uint32Array(job.queue, job.queueOffset, job.queueLength));
    return {};
  },
  'dominator-dfs'(job) {
    const view = (buffer, offset = 0) => new Uint32Array(buffer, offset, job.size);
    const count = dominatorDfsKernel(new Uint32Array(job.edges), new Uint32Array(job.firstEdge), job.essential, job.edgeStep, job.toAt, job.start, 0,
      view(job.parentBuffer), view(job.vertex, job.vertexOffset), view(job.label, job.labelOffset), view(job.semi, job.semiOffset), view(job.scratch, job.scratchOffset));
    return { count };
  },
  'page-owned'(job) {
    pageOwnedKernel(new Uint32Array(job.edges), new Uint32Array(job.firstEdge), job.params, job.seeds, new Uint8Array(job.flags));
    return {};
  },
  'essential-edges'(job) {
    essentialEdgesKernel(new Uint32Array(job.nodes), new Uint32Array(job.edges), new Uint32Array(job.firstEdge), job.params,
      new Uint8Array(job.page), job.ephemeronOf, job.tableIds, new Int32Array(job.bits));
    return {};
  },
  retainers(job) {
    const p = job.params;
    retainersKernel(new Uint32Array(job.edges, 0, job.edgeLength), new Uint32Array(job.firstEdge), p.edgeStep, p.toAt, p.nodeCount,
      new Uint32Array(job.firstRetainer), new Uint32Array(job.retainerNodes, job.retainerNodesOffset, job.retainerNodesLength),
      job.edgeBits, new Int32Array(job.slotBits));
    return {};
  },
  'plain-objects'(job) {
    // Taken only if the waiting thread has not given up on this worker and read them itself.
    const claim = new Int32Array(job.claim);
    const taken = Atomics.compareExchange(claim, 0, 0, 1) === 0;
    Atomics.notify(claim, 0);
    if (!taken) return {};
    const nodeCount = job.params.nodeCount;
    plainObjectsKernel(new Uint32Array(job.nodes), new Uint32Array(job.edges), new Uint32Array(job.firstEdge), job.params,
      new Uint32Array(job.objects, 0, nodeCount), new Uint32Array(job.entryOf, job.entryOfOffset, nodeCount),
      new Int32Array(job.names), new Uint32Array(job.entryStart), new Uint32Array(job.entryCount), new Int32Array(job.result));
    return {};
  },
  sequence(job) {
    return job.jobs.map((inner) => handlers[inner.kind](inner));
  },
};
// import(), not require(): workers take the process's flags, and under --input-type=module this
// text runs as a module (messages wait on the port until the listener comes).
import('node:worker_threads').then(({ parentPort }) => {
  parentPort.on('message', ({ id, job }) => {
    // A job with a \`done\` flag (see JobDone in worker-jobs.ts) says here that it is over, for a
    // thread that waits for it without taking the reply.
    const done = job.done && new Int32Array(job.done);
    let reply;
    try {
      reply = handlers[job.kind](job);
    } catch (error) {
      if (done) {
        Atomics.store(done, ${JOB_STATE}, ${JOB_FAILED});
        Atomics.notify(done, ${JOB_STATE});
      }
      // The job fails alone: this worker goes on with the next (another caller's, maybe).
      parentPort.postMessage({ id, error: { message: error instanceof Error ? error.message : String(error) } });
      return;
    }
    if (done) {
      Atomics.store(done, ${JOB_STATE}, ${JOB_DONE});
      Atomics.notify(done, ${JOB_STATE});
    }
    parentPort.postMessage({ id, reply });
  });
});
`;
}
