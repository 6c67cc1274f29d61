import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSnapshot, type HeapGraph } from '@heapdiff/core';
import { tempDir } from '../helpers/fixtures.js';

const program = fileURLToPath(new URL('../fixtures/snapshots/fixture-tracking.cjs', import.meta.url));

describe('a snapshot taken with allocation tracking on', () => {
  let graph: HeapGraph;
  beforeAll(async () => {
    const file = join(tempDir(), 'tracking.heapsnapshot');
    execFileSync(process.execPath, [program, file]);
    graph = await parseSnapshot(file);
  });

  it('reads trace_function_infos, trace_tree and samples into typed arrays', () => {
    const { traceFunctionCount, layout } = graph.header;
    expect(traceFunctionCount).toBeGreaterThan(0);
    // V8 counts the functions when the snapshot starts and may add more while writing it.
    expect(graph.traceFunctionInfos.length % layout.traceFunctionInfoFields.length).toBe(0);
    expect(graph.traceFunctionInfos.length).toBeGreaterThanOrEqual(traceFunctionCount * layout.traceFunctionInfoFields.length);
    expect(graph.traceTree!.count).toBeGreaterThan(1);
    expect(graph.traceTree!.parents[0]).toBe(-1);
    expect(graph.samples.length % layout.sampleFields.length).toBe(0);
    expect(layout.nodeTraceNodeIdOffset).toBeGreaterThanOrEqual(0);
  });

  it('ties each tracked object to the function that allocated it', () => {
    const tree = graph.traceTree!;
    const fields = graph.layout.traceFunctionInfoFields;
    const nameAt = fields.indexOf('name');
    const functionOf = new Map<number, string>();
    for (let t = 0; t < tree.count; t++) {
      const info = tree.functionInfoIndexes[t]! * fields.length;
      functionOf.set(tree.ids[t]!, graph.strings.get(graph.traceFunctionInfos[info + nameAt]!));
    }
    const allocators = new Map<string, number>();
    for (let n = 0; n < graph.nodeCount; n++) {
      if (graph.className(n) !== 'Tracked') continue;
      const fn = functionOf.get(graph.traceNodeId(n)) ?? '(untracked)';
      allocators.set(fn, (allocators.get(fn) ?? 0) + 1);
    }
    // The program builds them in an unnamed arrow function that allocateTracked() hands to
    // Array.from: the stack, innermost first, is (anonymous) ← from ← allocateTracked ← …
    expect(Object.fromEntries(allocators)).toEqual({ '': 200 });
    const position = new Map<number, number>();
    for (let t = 0; t < tree.count; t++) position.set(tree.ids[t]!, t);
    for (let n = 0; n < graph.nodeCount; n++) {
      if (graph.className(n) !== 'Tracked') continue;
      const stack: string[] = [];
      for (let t = position.get(graph.traceNodeId(n)) ?? -1; t >= 0; t = tree.parents[t]!) stack.push(functionOf.get(tree.ids[t]!)!);
      expect(stack.slice(0, 3)).toEqual(['', 'from', 'allocateTracked']);
    }
  });
});
