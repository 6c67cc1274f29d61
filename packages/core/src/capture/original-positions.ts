import { findSourceMap, type SourceMap } from 'node:module';
import type { AllocationFrame as Frame } from '../analysis/allocation-stacks.js';
import type { RelativeHeap } from '../diff/relative-heap.js';
import { markOwn } from './own-marker.js';

/**
 * The relative heap with its allocation frames moved to their original sources where this
 * process has a source map for the script (TypeScript run through tsx or Node's own type
 * stripping, bundles with `--enable-source-maps`): V8 records positions in the code it ran.
 * Frames without a map, or outside it, stay as they are.
 */
export function withOriginalPositions(heap: RelativeHeap): RelativeHeap {
  if (!heap.groups.some((g) => g.allocationStacks?.length)) return heap;
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (script: string): SourceMap | undefined => {
    if (!maps.has(script)) maps.set(script, script ? safeFindSourceMap(script) : undefined);
    return maps.get(script);
  };
  const frame = (f: Frame): Frame => {
    const map = f.line > 0 ? mapOf(f.scriptName) : undefined;
    const entry = map?.findEntry(f.line - 1, Math.max(0, f.column - 1));
    if (!entry || !('originalSource' in entry)) return f;
    return { functionName: f.functionName, scriptName: entry.originalSource, line: entry.originalLine + 1, column: entry.originalColumn + 1 };
  };
  return {
    ...heap,
    groups: heap.groups.map((g) =>
      g.allocationStacks ? { ...g, allocationStacks: g.allocationStacks.map((s) => ({ count: s.count, frames: s.frames.map(frame) })) } : g,
    ),
  };
}

/**
 * Node parses a script's source map at its first `findSourceMap` and keeps the result in its
 * module-level cache: a SourceMap allocated by heapdiff's diff, alive for the process's life,
 * that a later diff (an outer mark's, or the same mark's next) would count as new. The map we
 * are handed is that cached object, so we mark it as heapdiff's own (own-marker.ts): left out
 * by identity, with all that only it holds. Not by its class name: a SourceMap the program
 * itself had Node parse counts as the program's (unless a diff then maps a frame of the same
 * script: Node hands both the one cached map). What Node makes besides, once per process —
 * the base64 lookup table of its first parse — stays counted: it is Node's state, not ours.
 */
function safeFindSourceMap(script: string): SourceMap | undefined {
  try {
    const map = findSourceMap(script);
    return map && markOwn(map);
  } catch {
    return undefined;
  }
}
