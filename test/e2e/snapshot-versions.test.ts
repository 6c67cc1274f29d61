import { createReadStream } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSnapshot, summarizeClasses, type HeapGraph } from '@heapdiff/core';
import { NODE_MAJORS, fixturePath, inflatedFixture } from '../helpers/fixtures.js';
import { readWithHeapsnapshotParser, readWithMemlab } from '../helpers/peers.js';
import { nodeRecords } from '../helpers/node-records.js';

function row(graph: HeapGraph, className: string) {
  return summarizeClasses(graph).rows.find((r) => r.className === className);
}

describe.each(NODE_MAJORS)('a snapshot written by Node %i', (major) => {
  it('loads, with the fixture program\'s objects where they should be', async () => {
    const graph = await parseSnapshot(fixturePath(major));
    expect(graph.nodeCount).toBe(graph.header.nodeCount);
    expect(graph.nodeCount).toBeGreaterThan(30_000);
    expect(row(graph, 'Foo')?.count).toBe(1000);
    expect(row(graph, 'Bar')?.count).toBe(10);
    // The layout is read from meta: Node 24+ dropped trace_node_id from plain snapshots.
    expect(graph.header.layout.nodeTraceNodeIdOffset >= 0).toBe(major < 24);
    // The graph's records keep the fields the analyses read; the rest live apart.
    expect(graph.layout.nodeFields).toEqual(['type', 'name', 'id', 'self_size']);
    // A string with escapes and a control character decodes exactly. (V8 writes U+1F600 as
    // "\uF600": its serializer keeps only the low 16 bits of code points above U+FFFF.)
    let found = false;
    for (let n = 0; n < graph.nodeCount && !found; n++) {
      if (graph.nodeType(n) === 'string' && graph.nodeName(n) === 'caf\u00e9 \uF600 "quoted" \\ back\nslash \u0001') found = true;
    }
    expect(found).toBe(true);
  });

  it('reads the same from the gzip file, the inflated file and a stream', async () => {
    const fromGzip = await parseSnapshot(fixturePath(major));
    const fromFile = await parseSnapshot(inflatedFixture(major));
    const fromStream = await parseSnapshot(createReadStream(inflatedFixture(major), { highWaterMark: 65_536 }));
    const bytes = (a: Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    for (const other of [fromFile, fromStream]) {
      expect(bytes(other.nodes).equals(bytes(fromGzip.nodes))).toBe(true);
      expect(nodeRecords(other)).toEqual(nodeRecords(fromGzip));
      expect(bytes(other.edges).equals(bytes(fromGzip.edges))).toBe(true);
      expect(other.strings.count).toBe(fromGzip.strings.count);
      expect(other.nodeName(other.nodeCount - 1)).toBe(fromGzip.nodeName(fromGzip.nodeCount - 1));
    }
  });
});

describe('a snapshot written by Chromium', () => {
  it('loads: the page\'s objects, detached DOM, and the newer meta layout', async () => {
    const graph = await parseSnapshot(fixturePath('chrome'));
    expect(row(graph, 'Widget')?.count).toBe(1000);
    expect(row(graph, 'Detached <div>')?.count).toBe(10);
    // Current Chrome adds script_object_index to locations and new scope sections, skipped here.
    expect(graph.layout.locationFields).toContain('script_object_index');
    expect(graph.locations.length % graph.layout.locationFields.length).toBe(0);
    expect(graph.locations.length).toBeGreaterThan(0);
  });
});

describe.each([20, 26, 'chrome'] as const)('agreement with peer parsers (%s snapshot)', (major) => {
  it('every node and edge field equals what heapsnapshot-parser reads', async () => {
    const file = inflatedFixture(major);
    const graph = await parseSnapshot(file);
    const peer = readWithHeapsnapshotParser(file);
    expect(peer.nodes.length).toBe(graph.nodeCount);
    let edgesCompared = 0;
    for (let n = 0; n < graph.nodeCount; n++) {
      const theirs = peer.nodes[n]!;
      const ours = { type: graph.nodeType(n), name: graph.nodeName(n), id: graph.nodeId(n), size: graph.selfSize(n), edges: graph.edgeCountOf(n) };
      expect(ours).toEqual({ type: theirs.type, name: theirs.name, id: theirs.id, size: theirs.self_size, edges: theirs.references.length });
      for (let e = graph.firstEdge[n]!, k = 0; e < graph.firstEdge[n + 1]!; e++, k++) {
        const edge = theirs.references[k]!;
        const type = graph.edgeType(e);
        // heapsnapshot-parser wrongly resolves element/hidden indexes through the strings table.
        const name = type === 'element' || type === 'hidden' ? peer.strings[graph.edgeNameOrIndex(e)] : graph.edgeName(e);
        if (edge.type !== type || edge.name_or_index !== name || edge.toNodeIndex !== graph.edgeTarget(e)) {
          expect({ n, k, type, name, to: graph.edgeTarget(e) }).toEqual({ n, k, type: edge.type, name: edge.name_or_index, to: edge.toNodeIndex });
        }
        edgesCompared++;
      }
    }
    expect(edgesCompared).toBe(graph.edgeCount);
  });

  it('every node and edge field equals what @memlab/core reads', async () => {
    const file = inflatedFixture(major);
    const graph = await parseSnapshot(file);
    const peer = await readWithMemlab(file);
    expect(peer.length).toBe(graph.nodeCount);
    for (let n = 0; n < graph.nodeCount; n++) {
      const theirs = peer[n]!;
      const edges = [];
      for (let e = graph.firstEdge[n]!; e < graph.firstEdge[n + 1]!; e++) {
        edges.push({ type: graph.edgeType(e), name: graph.edgeName(e), to: graph.edgeTarget(e) });
      }
      // memlab renames nodes it finds detached to "Detached …" by rules of its own (close to
      // DevTools' DOM state propagation, not the same): compare names without that prefix.
      const undetached = (text: string) => text.replace(/^Detached /, '');
      const name = undetached(graph.nodeName(n));
      theirs.name = undetached(theirs.name);
      const ours = { type: graph.nodeType(n), name, id: graph.nodeId(n), selfSize: graph.selfSize(n), edges };
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) expect({ n, ...ours }).toEqual({ n, ...theirs });
    }
  });
});
