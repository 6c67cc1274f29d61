import { findSourceMap, type SourceMap } from 'node:module';
import type { AllocationFrame as Frame } from '../analysis/allocation-stacks.js';
import type { RelativeHeap } from '../diff/relative-heap.js';

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

function safeFindSourceMap(script: string): SourceMap | undefined {
  try {
    return findSourceMap(script);
  } catch {
    return undefined;
  }
}
