import { findSourceMap, SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { AllocationFrame as Frame } from '../analysis/allocation-stacks.js';
import type { PositionMap } from '../diff/frame-labels.js';
import type { RelativeHeap } from '../diff/relative-heap.js';
import { markOwn } from './own-marker.js';

/**
 * Maps positions in code this process ran back to the original sources, where a source map
 * says where: Node's for the script (TypeScript run through tsx or Node's own type stripping,
 * bundles with `--enable-source-maps`), else a test runner's (vitest transpiles test files in
 * its module runner, whose maps Node never sees). Each script's map is looked up once.
 *
 * @example relativeHeap(graph, baselineId, { originalPosition: originalPositionMap() })
 */
export function originalPositionMap(): PositionMap {
  const maps = new Map<string, SourceMap | undefined>();
  return (url, line, column) => {
    if (!url || line < 0) return undefined;
    if (!maps.has(url)) maps.set(url, safeFindSourceMap(url) ?? runnerSourceMap(url));
    const entry = maps.get(url)?.findEntry(line, Math.max(0, column));
    if (!entry || !('originalSource' in entry)) return undefined;
    return { source: entry.originalSource, line: entry.originalLine, column: entry.originalColumn };
  };
}

/**
 * The relative heap with its allocation frames moved to their original sources by `original`
 * (the map its paths and locations were made with): V8 records positions in the code it ran.
 * Frames without a map, or outside it, stay as they are.
 */
export function withOriginalPositions(heap: RelativeHeap, original: PositionMap): RelativeHeap {
  if (!heap.groups.some((g) => g.allocationStacks?.length)) return heap;
  const frame = (f: Frame): Frame => {
    const at = f.line > 0 ? original(f.scriptName, f.line - 1, f.column - 1) : undefined;
    return at ? { functionName: f.functionName, scriptName: at.source, line: at.line + 1, column: at.column + 1 } : f;
  };
  return {
    ...heap,
    groups: heap.groups.map((g) =>
      g.allocationStacks ? { ...g, allocationStacks: g.allocationStacks.map((s) => ({ count: s.count, frames: s.frames.map(frame) })) } : g,
    ),
  };
}

/**
 * vitest runs test files through its module runner, which keeps their source maps: read from
 * the worker's state (`__vitest_worker__.evaluatedModules`, vitest 3 and 4), made a SourceMap
 * of Node's. Anything else there, or nothing, is no map. Made per diff and dropped after.
 */
function runnerSourceMap(script: string): SourceMap | undefined {
  try {
    type Decoded = { map?: { mappings?: unknown }; _encoded?: unknown; resolvedSources?: string[]; names?: string[] };
    const worker = (globalThis as { __vitest_worker__?: { evaluatedModules?: { getModuleSourceMapById?: (id: string) => Decoded | null } } }).__vitest_worker__;
    const modules = worker?.evaluatedModules;
    if (typeof modules?.getModuleSourceMapById !== 'function') return undefined;
    const decoded = modules.getModuleSourceMapById(script.startsWith('file://') ? fileURLToPath(script) : script);
    if (!decoded) return undefined;
    const payload =
      typeof decoded.map?.mappings === 'string'
        ? decoded.map
        : { version: 3, sources: decoded.resolvedSources ?? [], names: decoded.names ?? [], mappings: decoded._encoded };
    return typeof payload.mappings === 'string' ? new SourceMap(payload as ConstructorParameters<typeof SourceMap>[0]) : undefined;
  } catch {
    return undefined;
  }
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
