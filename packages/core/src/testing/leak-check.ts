import type { AllocationStack } from '../analysis/allocation-stacks.js';
import { markHeap, type HeapMarkHandle } from '../capture/heap-mark.js';
import { nextLastSeenObjectId } from '../capture/inspector-session.js';
import { markOwn } from '../capture/own-marker.js';
import { now } from '../capture/real-timers.js';
import type { RelativeHeap } from '../diff/relative-heap.js';
import type { SourceLocation } from '../graph/class-keys.js';
import { exclusive } from './exclusive.js';
import { canCountObjects, countObjects, usedHeapBytes } from './object-count.js';

/** Options of `checkForLeaks`, `assertNoLeak` and `not.toLeak()`. */
export interface LeakCheckOptions {
  /** Runs of the scenario between the mark and the verdict, in two halves. Default 10, at least 2. */
  iterations?: number;
  /** Runs before the mark, so that caches filled once, lazy singletons and pools are ready. Default 2. */
  warmup?: number;
  /**
   * Classes to leave out: a string matches a class name or a retainer path containing it (case
   * insensitive), a RegExp is tested on both.
   */
  ignore?: readonly (string | RegExp)[];
  /**
   * How much a growing class must keep to count as a leak (pytest-memray's `limit_leaks`):
   * objects per iteration, and retained bytes in all. Default: any.
   */
  thresholds?: { count?: number; bytes?: number };
  /**
   * Record where each object is allocated, for the report (`allocatedAt`). Costs while on:
   * allocation is many times slower, and V8 numbers the heap every 50 ms. Default false.
   */
  trackAllocations?: boolean;
  /**
   * Always take the heap snapshots that name the leaking classes. By default a passing check
   * takes none: it first counts the live objects (after a full garbage collection) after the
   * warm-up and after each half, and only when they grow in both halves — or the heap grows by
   * over a megabyte in both — does it run again with snapshots to name what grows. A leak of
   * only strings or numbers smaller than that passes the quick count: use `exact` to catch it.
   * (Nodes without `v8.queryObjects`, before 20.13, always take the snapshots.)
   */
  exact?: boolean;
}

/** A class whose new objects still alive grow with the iterations. */
export interface LeakingClass {
  readonly className: string;
  /** Where the class is defined, for the program's own classes. */
  readonly location?: SourceLocation;
  /** New objects of the class alive after the last iteration. */
  readonly count: number;
  /** Of those, how many each half of the iterations left (both halves keep some: it grows). */
  readonly byHalf: readonly [number, number];
  /** Objects kept per iteration, on average. */
  readonly perIteration: number;
  /** Bytes freed if they all were. */
  readonly retainedSize: number;
  readonly selfSize: number;
  /** How the one that retains most is held: from a GC root, or from the waiting frame that holds it. */
  readonly retainerPath: string;
  /** With `trackAllocations`: where they were allocated, most frequent stack first. */
  readonly allocationStacks?: readonly AllocationStack[];
}

/** What `checkForLeaks` found. */
export interface LeakVerdict {
  /** The leaking classes: the program's own first, then by retained size; empty when nothing grows. */
  readonly leaks: readonly LeakingClass[];
  readonly iterations: number;
  readonly warmup: number;
  /**
   * Everything new since the mark and alive after the last iteration, growing or not: when the
   * check took snapshots (the quick count grew, or `exact`).
   */
  readonly heap?: RelativeHeap;
  /**
   * The quick count, when it ran: live objects after the warm-up and after each half, heap
   * bytes in use at the same points, and whether they grew (then the snapshots named the classes).
   */
  readonly quick?: { readonly objects: readonly number[]; readonly bytes: readonly number[]; readonly grew: boolean };
  /** What the check took, in milliseconds. */
  readonly ms: number;
}

interface Settings {
  iterations: number;
  warmup: number;
  ignore: RegExp[];
  minPerIteration: number;
  minBytes: number;
  trackAllocations: boolean;
  exact: boolean;
}

/** Heap growth in both halves that makes the quick count take the snapshots, whatever the object counts. */
const QUICK_BYTES = 1024 * 1024;

/**
 * Runs `scenario` a few times to warm up, marks the heap, runs it `iterations` more times in
 * two halves (the heap's object ids are cut between them), and tells which classes leak: their
 * new objects still alive after the last run come from both halves — the memory grows with the
 * runs. A cache filled once, a lazy singleton or a pool (ready after the warm-up), garbage, and
 * a bounded cache whose bound is smaller than half the iterations keep nothing from the first
 * half, and pass.
 *
 * What counts is what the program holds: from the GC roots, and from the frames awaiting the
 * check — a leak kept in a local of the test that calls it counts (see `markHeap`). The check
 * takes three heap snapshots (one with `trackAllocations`). Checks in one thread run one at a
 * time; code that runs meanwhile (a concurrent test in the same worker) counts as the
 * scenario's.
 *
 * @example
 * const { leaks } = await checkForLeaks(() => server.handle(request))
 * for (const leak of leaks) console.log(leak.className, leak.perIteration, leak.retainerPath)
 */
export function checkForLeaks(scenario: () => unknown, options: LeakCheckOptions = {}): Promise<LeakVerdict> {
  if (typeof scenario !== 'function') return Promise.reject(new TypeError(`checkForLeaks: the scenario must be a function (sync or async), got ${describe(scenario)}`));
  let settings: Settings;
  try {
    settings = settingsOf(options);
  } catch (error) {
    return Promise.reject(error);
  }
  return exclusive(() => check(scenario, settings));
}

async function check(scenario: () => unknown, settings: Settings): Promise<LeakVerdict> {
  const started = now();
  if (settings.exact || !canCountObjects) return snapshotCheck(scenario, settings, started, undefined);
  const quick = await quickCount(scenario, settings);
  if (!quick.grew) return { leaks: [], iterations: settings.iterations, warmup: settings.warmup, quick, ms: Math.round(now() - started) };
  return snapshotCheck(scenario, settings, started, quick);
}

/** Live objects and heap bytes after the warm-up and after each half of the runs. */
async function quickCount(scenario: () => unknown, settings: Settings): Promise<NonNullable<LeakVerdict['quick']>> {
  const { iterations, warmup } = settings;
  const firstHalf = Math.ceil(iterations / 2);
  for (let i = 0; i < warmup; i++) await scenario();
  const objects = [countObjects()];
  const bytes = [usedHeapBytes()];
  for (let i = 0; i < firstHalf; i++) await scenario();
  objects.push(countObjects());
  bytes.push(usedHeapBytes());
  for (let i = firstHalf; i < iterations; i++) await scenario();
  objects.push(countObjects());
  bytes.push(usedHeapBytes());
  const grew = (objects[1]! > objects[0]! && objects[2]! > objects[1]!) || (bytes[1]! - bytes[0]! > QUICK_BYTES && bytes[2]! - bytes[1]! > QUICK_BYTES);
  return { objects, bytes, grew };
}

/** The check with snapshots: a mark after the warm-up, the runs cut in halves by object id. */
async function snapshotCheck(scenario: () => unknown, settings: Settings, started: number, quick: LeakVerdict['quick']): Promise<LeakVerdict> {
  const { iterations, warmup, trackAllocations } = settings;
  const firstHalf = Math.ceil(iterations / 2);
  for (let i = 0; i < warmup; i++) await scenario();
  const mark = (await markHeap({ trackAllocations })) as HeapMarkHandle;
  for (let i = 0; i < firstHalf; i++) await scenario();
  // The highest id at the end of the first half: with tracking V8 numbers new objects at its
  // next update; without, a (never diffed) mark's snapshot numbers them.
  const cut = trackAllocations ? await nextLastSeenObjectId() : (await markHeap()).baselineId;
  for (let i = firstHalf; i < iterations; i++) await scenario();
  const heap = await mark.diffByRounds(markOwn([cut]));
  const leaks: LeakingClass[] = [];
  for (const group of heap.groups) {
    const [first = 0, second = 0] = group.countsByRound ?? [];
    const perIteration = (first + second) / iterations;
    // Both halves keep some, and at least one object every other run on average.
    if (first === 0 || second === 0 || perIteration < 0.5) continue;
    if (perIteration < settings.minPerIteration || group.retainedSize < settings.minBytes) continue;
    if (settings.ignore.some((re) => re.test(group.className) || re.test(group.retainerPath))) continue;
    leaks.push({
      className: group.className,
      ...(group.location ? { location: group.location } : {}),
      count: group.count,
      byHalf: [first, second],
      perIteration,
      retainedSize: group.retainedSize,
      selfSize: group.selfSize,
      retainerPath: group.retainerPath,
      ...(group.allocationStacks ? { allocationStacks: group.allocationStacks } : {}),
    });
  }
  // The program's own classes first (what a person goes and fixes), then by retained size.
  leaks.sort((a, b) => Number(b.location !== undefined) - Number(a.location !== undefined) || b.retainedSize - a.retainedSize);
  return { leaks, iterations, warmup, heap, ...(quick ? { quick } : {}), ms: Math.round(now() - started) };
}

function settingsOf(options: LeakCheckOptions): Settings {
  if (options === null || typeof options !== 'object') throw new TypeError(`leak check: options must be an object, got ${describe(options)}`);
  const whole = (name: string, value: unknown, fallback: number, min: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isSafeInteger(value) || (value as number) < min) throw new TypeError(`leak check: ${name} must be a whole number from ${min}, got ${describe(value)}`);
    return value as number;
  };
  const atLeastZero = (name: string, value: unknown): number => {
    if (value === undefined) return 0;
    if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) throw new TypeError(`leak check: ${name} must be a number from 0, got ${describe(value)}`);
    return value;
  };
  if (options.ignore !== undefined && !Array.isArray(options.ignore)) throw new TypeError(`leak check: ignore must be an array of strings or RegExps, got ${describe(options.ignore)}`);
  const ignore = (options.ignore ?? []).map((p) => {
    if (typeof p === 'string') return new RegExp(p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
    if (p instanceof RegExp) return new RegExp(p.source, p.flags.replace(/[gy]/g, ''));
    throw new TypeError(`leak check: ignore must hold strings or RegExps, found ${describe(p)}`);
  });
  const thresholds = options.thresholds ?? {};
  if (thresholds === null || typeof thresholds !== 'object') throw new TypeError(`leak check: thresholds must be an object ({ count, bytes }), got ${describe(thresholds)}`);
  for (const name of ['trackAllocations', 'exact'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') throw new TypeError(`leak check: ${name} must be true or false, got ${describe(options[name])}`);
  }
  return {
    iterations: whole('iterations', options.iterations, 10, 2),
    warmup: whole('warmup', options.warmup, 2, 0),
    ignore,
    minPerIteration: atLeastZero('thresholds.count', thresholds.count),
    minBytes: atLeastZero('thresholds.bytes', thresholds.bytes),
    trackAllocations: options.trackAllocations ?? false,
    exact: options.exact ?? false,
  };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}
