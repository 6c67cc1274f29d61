import type { ParsedSnapshot } from '../parser/snapshot-parser.js';
import { EDGE_FIELDS, EDGE_TO_NODE, EDGE_TYPE_NAME, type EdgePacking } from '../parser/packed-edges.js';
import type { SnapshotHeader, SnapshotLayout } from '../parser/snapshot-layout.js';
import type { StringTable } from '../parser/string-table.js';
import type { TraceTree } from '../parser/trace-tree.js';
import type { SparseNodeValues } from '../parser/node-fields.js';
import { AnalysisCache, AnalysisKey } from './analysis-cache.js';
import { buildGraphIndexes } from './build-graph-indexes.js';
import { buildClassIndex, classOf, type ClassIndex } from './class-names.js';
import { propagateDomState } from './dom-state.js';
import { IdIndex } from './id-index.js';
import { retainersOf, type Retainers } from './retainers.js';

const CLASSES = new AnalysisKey<ClassIndex>('classes');
const DOM_STATES = new AnalysisKey<Uint8Array | undefined>('dom states');
const ID_INDEX = new AnalysisKey<IdIndex>('id index');
const MAX_JS_NODE_ID = new AnalysisKey<number>('max JS node id');

/**
 * The snapshot's layout as a loaded graph has it: the nodes packed (`nodeFields` lists the
 * fields a record keeps; `edge_count`, `trace_node_id` and `detachedness` live apart, see
 * `HeapGraph.nodes`), the edges packed (see `HeapGraph.edges`), so the file's offsets of
 * those fields do not apply and are left out.
 */
export type GraphLayout = Omit<
  SnapshotLayout,
  'edgeFieldCount' | 'edgeTypeOffset' | 'edgeNameOffset' | 'edgeToNodeOffset' | 'nodeEdgeCountOffset' | 'nodeTraceNodeIdOffset' | 'nodeDetachednessOffset'
>;

/**
 * A loaded heap snapshot: flat typed arrays plus indexes, with accessors that take a node
 * ordinal (0..nodeCount-1) or an edge number (0..edgeCount-1). Nothing here allocates per node.
 *
 * @example
 * const graph = await parseSnapshot('app.heapsnapshot')
 * for (let n = 0; n < graph.nodeCount; n++) {
 *   for (let e = graph.firstEdge[n]!; e < graph.firstEdge[n + 1]!; e++) {
 *     if (graph.edgeTarget(e) === target) console.log(graph.nodeName(n), graph.edgeName(e))
 *   }
 * }
 *
 * Hot loops read the arrays: an edge `e` is `edges[2e]` (its type in the low `edgePacking.typeBits`
 * bits, its name above them) and `edges[2e + 1]` (its target's ordinal).
 */
export class HeapGraph {
  readonly header: SnapshotHeader;
  readonly layout: GraphLayout;
  readonly nodeCount: number;
  readonly edgeCount: number;
  /**
   * `layout.nodeFieldCount` values per node: the fields of the file's records but three
   * (`layout.nodeFields` lists them; see parser/node-fields.ts). A node's edge count is
   * `firstEdge[n + 1] - firstEdge[n]`; its trace node id and detachedness are in
   * `nodeTraceNodeIds` and `nodeDetachedness` (the nodes where it is not 0).
   */
  readonly nodes: Uint32Array;
  /** Each node's `trace_node_id`; undefined when every node has 0 (no allocation tracking). */
  readonly nodeTraceNodeIds: Uint32Array | undefined;
  /**
   * The nodes whose `detachedness` is not 0 (1 attached, 2 detached; 0 is unknown), ascending,
   * with it; undefined when every node has 0 (Node.js snapshots, mostly).
   */
  readonly nodeDetachedness: SparseNodeValues | undefined;
  /**
   * Two values per edge: `name_or_index << edgePacking.typeBits | type`, then the target's
   * node ordinal (see parser/packed-edges.ts). Use `edgeNameOrIndex` for names: a name too big
   * for its bits lives in a map beside the array.
   */
  readonly edges: Uint32Array;
  /** How `edges` packs an edge's type and name. */
  readonly edgePacking: EdgePacking;
  /** `firstEdge[n]..firstEdge[n + 1]` are the edges of node `n`. */
  readonly firstEdge: Uint32Array;
  readonly strings: StringTable;
  /**
   * Raw `locations` values (`object_index` is a node index, as in the file; a line or column
   * is -1 when V8 does not know it, as for code compiled in a vm context on Node 24): an
   * Int32Array when every value fits in one (V8's always do), else a Float64Array.
   */
  readonly locations: Int32Array | Float64Array;
  readonly traceFunctionInfos: Uint32Array;
  readonly traceTree: TraceTree | undefined;
  readonly samples: Float64Array;
  /** Ordinal of the snapshot's root node. */
  readonly rootOrdinal: number;
  /** The results of the analyses run on this graph, kept for as long as the graph lives. */
  readonly analyses = new AnalysisCache();

  readonly #nodeFieldCount: number;
  readonly #nameOverflow: Map<number, number>;
  /** Room for one value per edge, for the retainer index (taken once). */
  #edgeRoom: Uint32Array | undefined;

  constructor(parsed: ParsedSnapshot, file?: string) {
    const indexes = buildGraphIndexes(parsed, file);
    this.header = parsed.header;
    // Without the file's offsets of what was packed at run time too: they do not apply.
    const {
      edgeFieldCount: _f,
      edgeTypeOffset: _t,
      edgeNameOffset: _n,
      edgeToNodeOffset: _to,
      nodeEdgeCountOffset: _ec,
      nodeTraceNodeIdOffset: _tn,
      nodeDetachednessOffset: _d,
      ...layout
    } = parsed.header.layout;
    this.layout = { ...layout, ...indexes.nodePacking.layout };
    this.nodeCount = parsed.header.nodeCount;
    this.edgeCount = parsed.header.edgeCount;
    this.nodes = indexes.nodes;
    this.nodeTraceNodeIds = indexes.traceNodeIds;
    this.nodeDetachedness = indexes.detachedness;
    this.edges = indexes.edges;
    this.edgePacking = indexes.packing;
    this.#nameOverflow = indexes.nameOverflow;
    this.#edgeRoom = indexes.edgeRoom;
    this.firstEdge = indexes.firstEdge;
    this.strings = parsed.strings;
    this.locations = parsed.locations;
    this.traceFunctionInfos = parsed.traceFunctionInfos;
    this.traceTree = parsed.traceTree;
    this.samples = parsed.samples;
    this.#nodeFieldCount = this.layout.nodeFieldCount;
    // (`root_index` is a node index of the file's layout.)
    this.rootOrdinal = parsed.header.rootIndex / parsed.header.layout.nodeFieldCount;
  }

  // ---- nodes ----

  /** Index of the node's type in `layout.nodeTypes`. */
  nodeTypeIndex(node: number): number {
    return this.nodes[node * this.#nodeFieldCount + this.layout.nodeTypeOffset]!;
  }

  /** The node's type name: `object`, `closure`, `string`, `hidden`, … */
  nodeType(node: number): string {
    return this.layout.nodeTypes[this.nodeTypeIndex(node)]!;
  }

  /** Index of the node's name in the strings table. */
  nodeNameIndex(node: number): number {
    return this.nodes[node * this.#nodeFieldCount + this.layout.nodeNameOffset]!;
  }

  /** The node's name: a constructor name for objects, the text for strings, … */
  nodeName(node: number): string {
    return this.strings.get(this.nodeNameIndex(node));
  }

  /** The node's id: stable for the same object across snapshots of one process. */
  nodeId(node: number): number {
    return this.nodes[node * this.#nodeFieldCount + this.layout.nodeIdOffset]!;
  }

  /** The node's own size in bytes, not counting what it references. */
  selfSize(node: number): number {
    return this.nodes[node * this.#nodeFieldCount + this.layout.nodeSelfSizeOffset]!;
  }

  /** Number of outgoing edges of the node. */
  edgeCountOf(node: number): number {
    return this.firstEdge[node + 1]! - this.firstEdge[node]!;
  }

  /** The allocation trace node id, or 0 when the snapshot has none. */
  traceNodeId(node: number): number {
    return this.nodeTraceNodeIds?.[node] ?? 0;
  }

  /** The class the node is grouped under, as in DevTools' Summary (see `classNameForType`). */
  className(node: number): string {
    return this.classes.names[this.classIndexOf(node)]!;
  }

  /** The node's class as an index into `classes.names`. */
  classIndexOf(node: number): number {
    return classOf(this.classes, this.nodes, node, this.layout);
  }

  /** Every node's class (built on first use). */
  get classes(): ClassIndex {
    return this.analyses.get(CLASSES, () => buildClassIndex(this.nodes, this.nodeCount, this.layout, this.strings, this.domStates));
  }

  /**
   * Each node's DOM state after propagation (0 unknown, 1 attached, 2 detached), or undefined
   * when the snapshot reports none. See `propagateDomState`.
   */
  get domStates(): Uint8Array | undefined {
    return this.analyses.get(DOM_STATES, () => propagateDomState(this));
  }

  // ---- edges ----

  /** Index of the edge's type in `layout.edgeTypes`. */
  edgeTypeIndex(edge: number): number {
    return this.edges[edge * EDGE_FIELDS + EDGE_TYPE_NAME]! & this.edgePacking.typeMask;
  }

  /** The edge's type name: `property`, `element`, `internal`, `weak`, … */
  edgeType(edge: number): string {
    return this.layout.edgeTypes[this.edgeTypeIndex(edge)]!;
  }

  /** Ordinal of the node the edge points to. */
  edgeTarget(edge: number): number {
    return this.edges[edge * EDGE_FIELDS + EDGE_TO_NODE]!;
  }

  /** The raw `name_or_index`: an element index for `element`/`hidden` edges, a string index otherwise. */
  edgeNameOrIndex(edge: number): number {
    const name = this.edges[edge * EDGE_FIELDS + EDGE_TYPE_NAME]! >>> this.edgePacking.typeBits;
    return name === this.edgePacking.nameLimit ? this.#nameOverflow.get(edge)! : name;
  }

  /** The edge's name as text: the property name, or the element index as a decimal string. */
  edgeName(edge: number): string {
    const type = this.edgeType(edge);
    const value = this.edgeNameOrIndex(edge);
    return type === 'element' || type === 'hidden' ? String(value) : this.strings.get(value);
  }

  // ---- indexes built on first use ----

  /** The retainer index (built on first use, then kept). */
  get retainers(): Retainers {
    return retainersOf(this);
  }

  /**
   * The edges that point at `node`, one per retainer slot and in the same order: for slots of
   * the same source node, its edges to `node` in snapshot order. Found by scanning each
   * retainer's edges (the index stores nodes, not edges, to halve its memory).
   */
  retainingEdges(node: number): Uint32Array {
    const { firstRetainer, retainerNodes } = this.retainers;
    const from = firstRetainer[node]!;
    const to = firstRetainer[node + 1]!;
    const result = new Uint32Array(to - from);
    let k = from;
    while (k < to) {
      const source = retainerNodes[k]!;
      for (let e = this.firstEdge[source]!; e < this.firstEdge[source + 1]! && k < to && retainerNodes[k] === source; e++) {
        if (this.edges[e * EDGE_FIELDS + EDGE_TO_NODE] === node) result[k++ - from] = e;
      }
    }
    return result;
  }

  /**
   * The room the packing left at the end of the parsed edges' array, one value per edge, for
   * the retainer index; undefined once taken.
   */
  takeEdgeRoom(): Uint32Array | undefined {
    const room = this.#edgeRoom;
    this.#edgeRoom = undefined;
    return room;
  }

  /** The ordinal of the node with this id, or -1 when there is none. */
  ordinalOfId(id: number): number {
    const index = this.analyses.get(ID_INDEX, () => new IdIndex(this.nodes, this.nodeCount, this.#nodeFieldCount, this.layout.nodeIdOffset));
    return index.ordinalOf(id);
  }

  /**
   * The highest odd node id. V8 gives JavaScript heap objects odd ids in allocation order, so
   * every object allocated after this snapshot has a higher odd id.
   */
  get maxJsNodeId(): number {
    return this.analyses.get(MAX_JS_NODE_ID, () => {
      let max = 0;
      const step = this.#nodeFieldCount;
      const nodes = this.nodes;
      for (let i = this.layout.nodeIdOffset; i < nodes.length; i += step) {
        const id = nodes[i]!;
        if (id & 1 && id > max) max = id;
      }
      return max;
    });
  }

}

/** Whether the graph's arrays live in shared memory, so that worker threads can read them in place. */
export function inSharedMemory(graph: HeapGraph): boolean {
  return [graph.nodes, graph.edges, graph.firstEdge].every((array) => array.buffer instanceof SharedArrayBuffer);
}
