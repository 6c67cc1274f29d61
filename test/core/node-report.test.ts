import { describe, expect, it } from 'vitest';
import { classKeys, describeNode, parseSnapshot } from '@heapdiff/core';
import { fixturePath } from '../helpers/fixtures.js';

describe('describeNode', () => {
  it('gives a plain object the class summaries and leak reports count it under (its property names), and no other object one', async () => {
    const graph = await parseSnapshot(fixturePath(22));
    const keys = classKeys(graph);
    let plain = -1;
    let other = -1;
    for (let n = 0; n < graph.nodeCount && (plain < 0 || other < 0); n++) {
      const grouped = keys.names[keys.keyOf[n]!]!;
      if (plain < 0 && graph.className(n) === 'Object' && grouped.startsWith('{')) plain = n;
      if (other < 0 && graph.nodeType(n) === 'object' && graph.className(n) !== 'Object') other = n;
    }
    expect(plain).toBeGreaterThanOrEqual(0);
    const report = describeNode(graph, plain);
    expect(report.className).toBe('Object');
    expect(report.groupedAs).toBe(keys.names[keys.keyOf[plain]!]);
    expect('groupedAs' in describeNode(graph, other)).toBe(false);
  });
});
