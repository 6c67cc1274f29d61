import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** One node as a peer parser reports it, in a common shape. */
export interface PeerNode {
  type: string;
  name: string;
  id: number;
  selfSize: number;
  edges: PeerEdge[];
}
export interface PeerEdge {
  type: string;
  /** Property name, or the element index as a string. */
  name: string;
  to: number;
}

interface HspNode {
  type: string;
  name: string;
  id: number;
  self_size: number;
  references: { type: string; name_or_index: unknown; toNodeIndex: number }[];
}

/**
 * Reads a snapshot with the `heapsnapshot-parser` package. It looks element and hidden edge
 * indexes up in the strings table (a bug): `strings` lets the caller undo that.
 */
export function readWithHeapsnapshotParser(file: string): { nodes: HspNode[]; strings: string[] } {
  const { parse } = require('heapsnapshot-parser') as { parse: (json: object) => { nodes: HspNode[] } };
  const json = JSON.parse(readFileSync(file, 'utf8')) as { strings: string[] };
  return { nodes: parse(json).nodes, strings: json.strings };
}

interface MemlabEdge {
  type: string;
  name_or_index: string | number;
  toNode: { nodeIndex: number };
}
interface MemlabNode {
  type: string;
  name: string;
  id: number;
  self_size: number;
  references: MemlabEdge[];
}

/** Reads a snapshot with @memlab/core's loader (quietly). */
export async function readWithMemlab(file: string): Promise<PeerNode[]> {
  const memlab = require('@memlab/core') as {
    config: { muteConsole: boolean };
    utils: { getSnapshotFromFile(file: string, options: object): Promise<{ nodes: { length: number; get(i: number): MemlabNode } }> };
  };
  memlab.config.muteConsole = true;
  const snapshot = await memlab.utils.getSnapshotFromFile(file, { buildNodeIdIndex: false, verbose: false });
  const nodes: PeerNode[] = [];
  for (let i = 0; i < snapshot.nodes.length; i++) {
    const node = snapshot.nodes.get(i);
    nodes.push({
      type: node.type,
      name: node.name,
      id: node.id,
      selfSize: node.self_size,
      edges: node.references.map((edge) => ({ type: edge.type, name: String(edge.name_or_index), to: edge.toNode.nodeIndex })),
    });
  }
  return nodes;
}

/** The root's retained size as @memlab/core computes it (load, then its path-finder analysis). */
export async function memlabRootRetainedSize(file: string): Promise<number> {
  const memlab = require('@memlab/core') as {
    config: { muteConsole: boolean };
    utils: { getSnapshotFromFile(file: string, options: object): Promise<{ nodes: { get(i: number): { retainedSize: number } } }> };
    analysis: { preparePathFinder(snapshot: object): unknown };
  };
  memlab.config.muteConsole = true;
  const snapshot = await memlab.utils.getSnapshotFromFile(file, { buildNodeIdIndex: true, verbose: false });
  memlab.analysis.preparePathFinder(snapshot);
  return snapshot.nodes.get(0).retainedSize;
}
