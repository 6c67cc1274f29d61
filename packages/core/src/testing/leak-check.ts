import { Buffer } from 'node:buffer';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AllocationStack } from '../analysis/allocation-stacks.js';
import { defaultSettle, markHeap, type HeapMarkHandle } from '../capture/heap-mark.js';
import { nextLastSeenObjectId } from '../capture/inspector-session.js';
import { markOwn } from '../capture/own-marker.js';
import { now, sleep } from '../capture/real-timers.js';
import type { RelativeHeap } from '../diff/relative-heap.js';
import type { SourceLocation } from '../graph/class-keys.js';
import { describe } from './describe.js';
import { exclusive } from './exclusive.js';
import { canCountObjects, countObjects, usedHeapBytes } from './object-count.js';

/** Options of `checkForLeaks`, `assertNoLeak` and `not.toLeak()`. */
export interface LeakCheckOptions {
  /** Runs of the scenario between the mark and the verdict, in two halves. Default 10, at least 2. */
  iterations?: number;
  /** Runs before the mark, so that caches filled once, lazy singletons and pools are ready. Default 2. */
  warmup?: number;
  /**
   * Classes to leave out: a string is a class name (exactly: `'Session'`, `'(string)'`), a
   * RegExp is tested on the class name and on its retainer path (`/cache \(Map\)/`).
   */
  ignore?: readonly (string | RegExp)[];
  /**
   * How much a growing class must keep to count as a leak (pytest-memray's `limit_leaks`):
   * objects per iteration on average (default 0.5: one every other run), and retained bytes
   * in all (default: any). A leak that keeps one object every third run needs `count: 0.3`.
   */
  thresholds?: { count?: number; bytes?: number };
  /**
   * Record where each object is allocated, for the report (`allocatedAt`). Costs while on:
   * allocation is many times slower, and V8 numbers the heap every 50 ms. Default false.
   */
  trackAllocations?: boolean;
  /**
   * Always take the heap snapshots that name the leaking classes. By default a passing check
   * takes none: it first counts the live objects (after V8 collects all it can) after each
   * half of the runs, and only when the count grows over the second half — or the heap grows by
   * over a megabyte — does it run again with snapshots to name what grows. A leak of only
   * strings or numbers smaller than that passes the quick count: use `exact` to catch it.
   * (Nodes without `v8.queryObjects`, before 20.13, always take the snapshots.)
   */
  exact?: boolean;
  /**
   * When the check fails, keep the heap snapshots that named the leak in this directory (true:
   * the system's temporary directory), and say in the message how to open them. Also set by
   * the environment variable `HEAPDIFF_KEEP_SNAPSHOTS` (a directory, or `1`). Default: not kept.
   */
  keepSnapshots?: string | boolean;
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
   * The quick count, when it ran: live objects after each half of the runs, heap bytes in use
   * at the same points, and whether they grew (then the snapshots named the classes).
   */
  readonly quick?: { readonly objects: readonly number[]; readonly bytes: readonly number[]; readonly grew: boolean };
  /** With `keepSnapshots`, when the check failed: the baseline, middle and final snapshots (the middle one without allocation tracking). */
  readonly snapshots?: readonly string[];
  /** What the check took, in milliseconds. */
  readonly ms: number;
}

interface Settings {
  iterations: number;
  warmup: number;
  /** Whether a class (its name, its retainer path) is left out. */
  ignore: ((className: string, path: string) => boolean)[];
  minPerIteration: number;
  minBytes: number;
  trackAllocations: boolean;
  exact: boolean;
  /** Where failing checks keep their snapshots, if anywhere. */
  keepIn: string | undefined;
}

/** Heap growth over the second half that makes the quick count take the snapshots, whatever the object counts. */
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
  if (typeof scenario !== 'function') {
    const hint = (scenario as unknown) instanceof Promise ? ' (a promise runs once: pass the function that makes it, () => handle())' : '';
    return Promise.reject(new TypeError(`checkForLeaks: the scenario must be a function (sync or async), got ${describe(scenario)}${hint}`));
  }
  if (/^class[\s{]/.test(Function.prototype.toString.call(scenario))) {
    return Promise.reject(new TypeError(`checkForLeaks: the scenario is a class (${scenario.name || 'anonymous'}); pass a function that runs the work, () => new ${scenario.name || 'Thing'}(…)`));
  }
  let settings: Settings;
  try {
    settings = settingsOf(options);
  } catch (error) {
    return Promise.reject(error);
  }
  return exclusive('checkForLeaks', () => check(scenario, settings));
}

async function check(scenario: () => unknown, settings: Settings): Promise<LeakVerdict> {
  const started = now();
  if (settings.exact || !canCountObjects) return snapshotCheck(scenario, settings, started, undefined);
  const quick = await quickCount(scenario, settings);
  // No objects at all: V8 counts none made in a vm context (vitest's vm pools): the snapshots decide.
  if (quick.objects[0] === 0) return snapshotCheck(scenario, settings, started, undefined);
  if (!quick.grew) return { leaks: [], iterations: settings.iterations, warmup: settings.warmup, quick, ms: Math.round(now() - started) };
  return snapshotCheck(scenario, settings, started, quick);
}

/**
 * Live objects and heap bytes after the first half of the runs and after the second. Each
 * count costs V8's collection of all it can (several full collections), so there are two: a
 * leak keeps objects in every half, and a cache that fills up, a pool or a singleton stops
 * growing before the second.
 */
async function quickCount(scenario: () => unknown, settings: Settings): Promise<NonNullable<LeakVerdict['quick']>> {
  const { iterations, warmup } = settings;
  const firstHalf = Math.ceil(iterations / 2);
  // What the runner was still doing (vitest sends a test's result up to 100 ms late) ends
  // before the first count: the objects it lets go of would hide as many new ones from it.
  // The runs go on meanwhile.
  const settled = now() + defaultSettle();
  for (let i = 0; i < warmup + firstHalf; i++) await scenario();
  const left = settled - now();
  if (left > 0) await sleep(left);
  const objects = [countObjects()];
  const bytes = [usedHeapBytes()];
  for (let i = firstHalf; i < iterations; i++) await scenario();
  objects.push(countObjects());
  bytes.push(usedHeapBytes());
  // As many more objects as a leak at the least rate counted keeps in the second half (a
  // one-off — a lazily made object of Node's or the runner's — does not send the check to snapshots).
  const least = Math.max(1, Math.ceil((iterations - firstHalf) * settings.minPerIteration));
  // Fewer objects: older ones died meanwhile, and may hide new ones — the snapshots decide.
  const grew = objects[1]! - objects[0]! >= least || objects[1]! < objects[0]! || bytes[1]! - bytes[0]! > QUICK_BYTES;
  return { objects, bytes, grew };
}

/** The check with snapshots: a mark after the warm-up, the runs cut in halves by object id. */
async function snapshotCheck(scenario: () => unknown, settings: Settings, started: number, quick: LeakVerdict['quick']): Promise<LeakVerdict> {
  const { iterations, warmup, trackAllocations } = settings;
  const firstHalf = Math.ceil(iterations / 2);
  const files = settings.keepIn === undefined ? undefined : snapshotFiles(settings.keepIn, trackAllocations);
  for (let i = 0; i < warmup; i++) await scenario();
  const mark = (await markHeap({ trackAllocations, ...(files ? { baselineFile: files.baseline, diffFile: files.final } : {}) })) as HeapMarkHandle;
  let cut: number;
  try {
    for (let i = 0; i < firstHalf; i++) await scenario();
    // The highest id at the end of the first half: with tracking V8 numbers new objects at its
    // next update; without, a (never diffed) mark's snapshot numbers them.
    cut = trackAllocations ? await nextLastSeenObjectId() : (await markHeap(files?.middle ? { baselineFile: files.middle } : {})).baselineId;
    for (let i = firstHalf; i < iterations; i++) await scenario();
  } catch (error) {
    // A mark that tracks holds allocation tracking (slow allocation, a process that cannot
    // exit) until its diff: taken, and dropped, before the scenario's error goes on.
    if (trackAllocations) await mark.diff().catch(() => undefined);
    if (files) removeAll(files);
    throw error;
  }
  const heap = await mark.diffByRounds(markOwn([cut]));
  const leaks: LeakingClass[] = [];
  for (const group of heap.groups) {
    const [first = 0, second = 0] = group.countsByRound ?? [];
    const perIteration = (first + second) / iterations;
    // Both halves keep some, at least `thresholds.count` per run on average (one every other run by default).
    if (first === 0 || second === 0 || perIteration < settings.minPerIteration || group.retainedSize < settings.minBytes) continue;
    if (settings.ignore.some((leaveOut) => leaveOut(group.className, group.retainerPath))) continue;
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
  // Kept only for a failing check: the message says how to open them.
  if (files && leaks.length === 0) removeAll(files);
  const kept = files && leaks.length > 0 ? { snapshots: [files.baseline, files.middle, files.final].filter((f): f is string => f !== undefined) } : {};
  return { leaks, iterations, warmup, heap, ...(quick ? { quick } : {}), ...kept, ms: Math.round(now() - started) };
}

const OPTION_NAMES = ['iterations', 'warmup', 'ignore', 'thresholds', 'trackAllocations', 'exact', 'keepSnapshots'];

/** The files of one check's snapshots, in `dir` (made if missing): baseline, middle (not with tracking: it takes none), final. */
function snapshotFiles(dir: string, tracking: boolean): { baseline?: string; middle?: string; final: string } {
  mkdirSync(dir, { recursive: true });
  const stem = join(dir, `leak-check-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  // Flat strings: a joined one is flattened — a new string — when first written to, which
  // would fall in the runs' first half and count as kept by the check itself.
  const file = (suffix: string): string => Buffer.from(`${stem}-${suffix}.heapsnapshot`).toString();
  return tracking ? { final: file('final') } : { baseline: file('baseline'), middle: file('middle'), final: file('final') };
}

function removeAll(files: { baseline?: string; middle?: string; final: string }): void {
  for (const file of [files.baseline, files.middle, files.final]) if (file) rmSync(file, { force: true });
}

function settingsOf(options: LeakCheckOptions): Settings {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new TypeError(`leak check: options must be an object, got ${describe(options)}`);
  const unknown = Object.keys(options).filter((k) => !OPTION_NAMES.includes(k));
  if (unknown.length > 0) throw new TypeError(`leak check: unknown option ${unknown.map((k) => JSON.stringify(k)).join(', ')}; the options are ${OPTION_NAMES.join(', ')}`);
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
    if (typeof p === 'string' && p !== '') return (className: string) => className === p;
    if (p instanceof RegExp) {
      // Without `g` or `y`: a test must not carry `lastIndex` over to the next.
      const re = new RegExp(p.source, p.flags.replace(/[gy]/g, ''));
      if (re.test('')) throw new TypeError(`leak check: ignore ${String(p)} matches an empty text, so every class: give a pattern that names what to leave out`);
      return (className: string, path: string) => re.test(className) || re.test(path);
    }
    throw new TypeError(`leak check: ignore must hold class names (non-empty strings) or RegExps, found ${describe(p)}`);
  });
  const thresholds = options.thresholds === undefined ? {} : options.thresholds;
  if (thresholds === null || typeof thresholds !== 'object' || Array.isArray(thresholds)) throw new TypeError(`leak check: thresholds must be an object ({ count, bytes }), got ${describe(thresholds)}`);
  for (const name of ['trackAllocations', 'exact'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') throw new TypeError(`leak check: ${name} must be true or false, got ${describe(options[name])}`);
  }
  return {
    iterations: whole('iterations', options.iterations, 10, 2),
    warmup: whole('warmup', options.warmup, 2, 0),
    ignore,
    minPerIteration: thresholds.count === undefined ? 0.5 : atLeastZero('thresholds.count', thresholds.count),
    minBytes: atLeastZero('thresholds.bytes', thresholds.bytes),
    trackAllocations: options.trackAllocations ?? false,
    exact: options.exact ?? false,
    keepIn: keepDirectory(options.keepSnapshots ?? process.env['HEAPDIFF_KEEP_SNAPSHOTS']),
  };
}

function keepDirectory(keep: unknown): string | undefined {
  if (keep === undefined || keep === false || keep === '' || keep === '0') return undefined;
  if (keep === true || keep === '1') return join(tmpdir(), 'heapdiff-snapshots');
  if (typeof keep === 'string') return resolve(keep);
  throw new TypeError(`leak check: keepSnapshots must be a directory or true, got ${describe(keep)}`);
}
