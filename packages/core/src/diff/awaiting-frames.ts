import type { HeapGraph } from '../graph/heap-graph.js';
import { namedEdgeTarget } from '../graph/named-edge.js';

/** What `awaitingFrames` finds: see there. */
export interface AwaitingFrames {
  /**
   * 1 for the continuation objects hung on the diffing code's pending promises: promise
   * reactions, the closures and contexts of `await`, derived promises, promise capabilities,
   * and the generator objects and promises of the async functions that wait. Never counted;
   * what they hold is the program's only through `frames`.
   */
  readonly continuation: Uint8Array;
  /**
   * Where the program resumes once the diff settles, in the order found: the suspended
   * generator object of each async function that waits (its locals), the callbacks
   * given to `.then` / `.finally` (their closures), and the values a builtin continuation
   * keeps for the program (`Promise.all`'s other values). Followed like GC roots.
   */
  readonly frames: readonly number[];
}

// V8's builtin closures, by their code's name: an `await`'s resume closures (an async function's,
// an async generator's), and the resolving functions and element closures of promise builtins
// (`Promise.all` / `allSettled` / `any`, `.finally`, a promise resolved with another promise, an
// async generator's, `for await` over a sync iterator).
const AWAIT_CLOSURE = /^\(Async(Function|Generator)Await\w*Closure builtin/;
const PROMISE_BUILTIN = /^\((Promise|AsyncGenerator|AsyncFromSyncIterator)\w* builtin/;

/**
 * The program's frames that wait for the promises in `pending` (the diffing code's own, which
 * the snapshot was taken under), found hop by hop from them — no edge followed blindly:
 *
 * - a promise's `reactions_or_result` is a chain of `PromiseReaction`s (`next`);
 * - a reaction's handler is an `await`'s resume closure, whose context's `extension` is the
 *   waiting async function's generator object: a frame, whose own promise (a hidden edge) is
 *   walked in turn — the async function that awaits it, at any depth;
 * - or a builtin closure (resolving functions, `Promise.all`'s element closures, `.finally`'s
 *   thunks), whose context's promises and capabilities are walked and whose other slots are
 *   the program's (frames);
 * - or any other closure: a `.then` callback, a frame;
 * - a reaction's promise or `PromiseCapability` (`promise`, `resolve`, `reject`) is the next
 *   promise down the chain (`.then`'s derived promise, `Promise.all`'s, an async function's
 *   that returned the pending one);
 * - anything else on a reaction is the program's (a frame).
 *
 * The snapshot must be taken from a clean stack (see PreparedSnapshot.takeOnCleanStack): then
 * every waiting caller is suspended and its locals are in its generator object.
 */
export function awaitingFrames(graph: HeapGraph, pending: readonly number[]): AwaitingFrames {
  const continuation = new Uint8Array(graph.nodeCount);
  const frames: number[] = [];
  const seen = new Uint8Array(graph.nodeCount);
  const names = edgeNames(graph, ['reactions_or_result', 'context', 'extension', 'code', 'promise', 'resolve', 'reject', 'parameters_and_registers', 'map']);
  const [internal, hidden, property] = ['internal', 'hidden', 'property'].map((t) => graph.layout.edgeTypes.indexOf(t));
  const [closureType, hiddenType, objectType, numberType] = ['closure', 'hidden', 'object', 'number'].map((t) => graph.layout.nodeTypes.indexOf(t));
  const namedEdge = (n: number, name: number): number => namedEdgeTarget(graph, n, name);
  const isReaction = (n: number) => graph.nodeTypeIndex(n) === hiddenType && graph.nodeName(n) === 'system / PromiseReaction';
  const isCapability = (n: number) => graph.nodeName(n) === 'system / PromiseCapability';
  const isGeneratorRequest = (n: number) => graph.nodeTypeIndex(n) === hiddenType && graph.nodeName(n) === 'system / AsyncGeneratorRequest';
  // A native promise: a pending one without reactions has no `reactions_or_result` edge.
  const isPromise = (n: number) => graph.nodeTypeIndex(n) === objectType && (graph.nodeName(n) === 'Promise' || namedEdge(n, names.reactions_or_result) >= 0);
  const isClosure = (n: number) => graph.nodeTypeIndex(n) === closureType;
  const codeName = (closure: number) => {
    const code = namedEdge(closure, names.code);
    return code < 0 ? '' : graph.nodeName(code);
  };
  const promises: number[] = [...pending];
  const addFrame = (n: number): void => {
    if (seen[n] === 1) return;
    seen[n] = 1;
    frames.push(n);
    if (namedEdge(n, names.parameters_and_registers) < 0) return;
    // A suspended async function: a continuation object itself, like a stack frame, and its
    // promise (a hidden edge) is what its own caller awaits.
    continuation[n] = 1;
    for (let e = graph.firstEdge[n]!; e < graph.firstEdge[n + 1]!; e++) {
      if (graph.edgeTypeIndex(e) !== hidden) continue;
      const to = graph.edgeTarget(e);
      if (isPromise(to)) promises.push(to);
      else if (isGeneratorRequest(to)) addRequests(to);
    }
  };
  // An async generator's queue of `next()` calls: each request's promise is what a consumer
  // awaits (walked in turn); the value passed to `next(value)` is the program's.
  const addRequests = (request: number): void => {
    for (let r = request; r >= 0 && seen[r] === 0; ) {
      seen[r] = 1;
      continuation[r] = 1;
      let next = -1;
      for (let e = graph.firstEdge[r]!; e < graph.firstEdge[r + 1]!; e++) {
        if (graph.edgeTypeIndex(e) === internal && graph.edgeNameOrIndex(e) === names.map) continue;
        const to = graph.edgeTarget(e);
        if (isGeneratorRequest(to)) next = to;
        else if (isPromise(to)) promises.push(to);
        else addFrame(to);
      }
      r = next;
    }
  };
  const addCapability = (capability: number): void => {
    continuation[capability] = 1;
    const promise = namedEdge(capability, names.promise);
    if (promise >= 0) promises.push(promise);
    for (const name of [names.resolve, names.reject]) {
      const fn = namedEdge(capability, name);
      if (fn < 0 || !isClosure(fn)) continue;
      continuation[fn] = 1;
      const context = namedEdge(fn, names.context);
      if (context >= 0) continuation[context] = 1;
    }
  };
  const reactions: number[] = [];
  while (promises.length > 0) {
    const promise = promises.pop()!;
    if (seen[promise] === 1) continue;
    seen[promise] = 1;
    continuation[promise] = 1;
    // What the program's hooks put on a continuation promise is the program's (an
    // AsyncLocalStorage store, on Node versions without async context frames); the async ids
    // Node numbers it with are bookkeeping.
    for (let e = graph.firstEdge[promise]!; e < graph.firstEdge[promise + 1]!; e++) {
      if (graph.edgeTypeIndex(e) === property && graph.nodeTypeIndex(graph.edgeTarget(e)) !== numberType) addFrame(graph.edgeTarget(e));
    }
    const first = namedEdge(promise, names.reactions_or_result);
    if (first >= 0 && isReaction(first)) reactions.push(first);
    while (reactions.length > 0) {
      const reaction = reactions.pop()!;
      if (seen[reaction] === 1) continue;
      seen[reaction] = 1;
      continuation[reaction] = 1;
      for (let e = graph.firstEdge[reaction]!; e < graph.firstEdge[reaction + 1]!; e++) {
        if (graph.edgeTypeIndex(e) === internal && graph.edgeNameOrIndex(e) === names.map) continue;
        const to = graph.edgeTarget(e);
        if (isReaction(to)) reactions.push(to);
        else if (isPromise(to)) promises.push(to);
        else if (isCapability(to)) addCapability(to);
        else if (isClosure(to)) {
          continuation[to] = 1;
          const code = codeName(to);
          const kind = AWAIT_CLOSURE.test(code) ? 'await' : PROMISE_BUILTIN.test(code) ? 'builtin' : 'then';
          // A `.then` callback: the continuation's code; what it closes over is the program's.
          if (kind === 'then') {
            addFrame(to);
            continue;
          }
          const context = namedEdge(to, names.context);
          if (context < 0) continue;
          continuation[context] = 1;
          if (kind === 'await') {
            const generator = namedEdge(context, names.extension);
            if (generator >= 0) addFrame(generator);
            continue;
          }
          for (let c = graph.firstEdge[context]!; c < graph.firstEdge[context + 1]!; c++) {
            if (graph.edgeTypeIndex(c) === internal) continue; // scope_info, previous, extension
            const slot = graph.edgeTarget(c);
            if (isCapability(slot)) addCapability(slot);
            else if (isPromise(slot)) promises.push(slot);
            else {
              // `.finally`'s callback is continuation code like a `.then` callback.
              if (isClosure(slot)) continuation[slot] = 1;
              addFrame(slot);
            }
          }
        } else addFrame(to); // e.g. the embedder's continuation data (an AsyncContextFrame)
      }
    }
  }
  return { continuation, frames };
}

/** The string-table indices of edge names (-1 for a name the snapshot does not have). */
function edgeNames<const K extends string>(graph: HeapGraph, list: readonly K[]): Record<K, number> {
  const names = {} as Record<K, number>;
  for (const name of list) names[name] = graph.strings.indexOf(name);
  return names;
}
