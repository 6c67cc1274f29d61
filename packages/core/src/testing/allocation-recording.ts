import { post } from '../capture/inspector-session.js';

/**
 * Every object V8 allocates, recorded while it lives: V8's sampling heap profiler at a one-byte
 * interval takes a sample at each allocation (its steps never fall below one pointer, smaller
 * than any object), and drops the sample when the garbage collector frees the object. So after
 * a full collection the profile lists exactly the objects made since the recording began and
 * still alive — strings, arrays and closures included — each with an ordinal that grows with
 * allocation time. No heap snapshot: a collection and the list of survivors.
 *
 * Costs while on: each allocation takes V8's slow path and records its stack (a few
 * microseconds), so the recording is for short scenarios, not whole programs.
 */

/** The live recorded objects after a full collection, and how they changed since the last look. */
export interface LiveAllocations {
  /** Recorded objects alive (heapdiff's own left out). */
  readonly count: number;
  readonly bytes: number;
  /** Of those, made after the previous look (all of them on the first look). */
  readonly born: number;
  readonly bornBytes: number;
  /** Alive at the previous look, freed since. */
  readonly died: number;
  readonly diedBytes: number;
  /** Highest ordinal given so far, heapdiff's own included: where "after this look" starts. */
  readonly lastOrdinal: number;
  /** Ordinals of the live objects, ascending (for the next look's `died`). */
  readonly ordinals: Float64Array;
  readonly sizes: Float64Array;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children: ProfileNode[];
}
interface SamplingProfile {
  head: ProfileNode;
  samples: { size: number; nodeId: number; ordinal: number }[];
}

/** Objects the probe makes: a one-byte interval sees every one. */
const PROBE_OBJECTS = 64;

/**
 * Starts recording every allocation of this thread. Resolves false when V8's sampling heap
 * profiler is already in use at another interval (a `--heap-prof` run, a debugger recording
 * allocations): V8 then keeps the running one — which would miss most objects — so a probe of
 * known allocations checks that this recording sees them all, and the caller counts another way
 * (and leaves the other recording running).
 */
export async function startRecordingAllocations(): Promise<boolean> {
  try {
    await post('HeapProfiler.startSampling', { samplingInterval: 1 });
    const probe = heapdiffRecordingProbe();
    const { profile } = await post<{ profile: SamplingProfile }>('HeapProfiler.getSamplingProfile');
    const probeNodes = new Set<number>();
    const stack = [profile.head];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.callFrame.functionName === 'heapdiffRecordingProbe') probeNodes.add(node.id);
      stack.push(...node.children);
    }
    let seen = 0;
    for (const sample of profile.samples) if (probeNodes.has(sample.nodeId)) seen++;
    return seen >= probe.length;
  } catch {
    return false;
  }
}

/** Makes `PROBE_OBJECTS` small objects, alive until the caller drops the array. */
function heapdiffRecordingProbe(): object[] {
  const made: object[] = new Array<object>(PROBE_OBJECTS);
  for (let i = 0; i < PROBE_OBJECTS; i++) made[i] = { i };
  return made;
}

export async function stopRecordingAllocations(): Promise<void> {
  await post('HeapProfiler.stopSampling').catch(() => undefined);
}

/**
 * Collects all the garbage V8 can, then lists the recorded objects still alive. Objects made
 * by this function (the inspector's reply, the lists kept for the next look) are recognised by
 * their allocation stack — this function's name is on it — and left out, so that looking does
 * not change what is seen.
 */
export async function heapdiffRecordedAllocations(previous?: LiveAllocations): Promise<LiveAllocations> {
  await post('HeapProfiler.collectGarbage');
  const { profile } = await post<{ profile: SamplingProfile }>('HeapProfiler.getSamplingProfile');
  const own = ownNodes(profile.head);
  const samples = profile.samples;
  let lastOrdinal = previous?.lastOrdinal ?? 0;
  let kept = 0;
  for (const sample of samples) {
    if (sample.ordinal > lastOrdinal) lastOrdinal = sample.ordinal;
    if (!own.has(sample.nodeId)) kept++;
  }
  const ordinals = new Float64Array(kept);
  const sizes = new Float64Array(kept);
  let k = 0;
  for (const sample of samples) {
    if (own.has(sample.nodeId)) continue;
    ordinals[k] = sample.ordinal;
    sizes[k++] = sample.size;
  }
  sortTogether(ordinals, sizes);
  let bytes = 0;
  let born = 0;
  let bornBytes = 0;
  const since = previous?.lastOrdinal ?? -1;
  for (let i = 0; i < kept; i++) {
    bytes += sizes[i]!;
    if (ordinals[i]! > since) {
      born++;
      bornBytes += sizes[i]!;
    }
  }
  let died = 0;
  let diedBytes = 0;
  if (previous) {
    // Both lists ascending: one merge.
    for (let i = 0, j = 0; i < previous.ordinals.length; i++) {
      const ordinal = previous.ordinals[i]!;
      while (j < kept && ordinals[j]! < ordinal) j++;
      if (j < kept && ordinals[j] === ordinal) continue;
      died++;
      diedBytes += previous.sizes[i]!;
    }
  }
  return { count: kept, bytes, born, bornBytes, died, diedBytes, lastOrdinal, ordinals, sizes };
}

/** Where heapdiff's own checking code lives: what it allocates itself is not the scenario's. */
const OWN_CODE = ['testing/', 'capture/'].map((dir) => new URL(`../${dir}`, import.meta.url).href);

/**
 * Profile nodes of heapdiff's own allocations: made while this module looks (its function is on
 * the stack, or the inspector's reply handling), or made by heapdiff's checking code itself —
 * the nearest frame with a script is heapdiff's (a builtin such as `Promise` has none).
 */
function ownNodes(head: ProfileNode): Set<number> {
  const own = new Set<number>();
  const stack: [ProfileNode, boolean, boolean][] = [[head, false, false]];
  while (stack.length > 0) {
    const [node, looking, parentOurs] = stack.pop()!;
    const { functionName, url } = node.callFrame;
    const underLook = looking || functionName === 'heapdiffRecordedAllocations' || url.startsWith('node:inspector');
    const ours = url === '' ? parentOurs : OWN_CODE.some((dir) => url.startsWith(dir));
    if (underLook || ours) own.add(node.id);
    for (const child of node.children) stack.push([child, underLook, ours]);
  }
  return own;
}

/** Sorts `keys` ascending, moving `values` along (the profile lists samples in no set order). */
function sortTogether(keys: Float64Array, values: Float64Array): void {
  const order = Array.from(keys.keys()).sort((a, b) => keys[a]! - keys[b]!);
  const k = Float64Array.from(order, (i) => keys[i]!);
  const v = Float64Array.from(order, (i) => values[i]!);
  keys.set(k);
  values.set(v);
}
