import { AnalysisKey } from '../graph/analysis-cache.js';
import { classOf } from '../graph/class-names.js';
import type { HeapGraph } from '../graph/heap-graph.js';
import { EDGE_FIELDS, EDGE_TO_NODE, EDGE_TYPE_NAME } from '../parser/packed-edges.js';

/** A variable of a Node module that Node points at a new object on its own. */
interface Renewal {
  /** The context variable. */
  readonly variable: string;
  /** Other variables of the same module's context: how the module is recognised. */
  readonly siblings: readonly string[];
}

/**
 * Objects Node replaces on its own — the old one is let go — found by where Node keeps them:
 *
 * - the map of pending unhandled rejections (`node:internal/process/promises`), which Node 20
 *   and 22 swap for a new, empty one every time they run the `process.nextTick` queue (after
 *   a log line to a pipe, a stream's write, any I/O callback);
 * - the buffer pool (`node:buffer`: its ArrayBuffer and the Buffer over it), replaced once
 *   small buffers (`Buffer.from(string)`, a log line's bytes) have used it up;
 * - the timers' list counter (`node:internal/timers`), a number beyond small integers that
 *   Node boxes anew each time a timer of a new duration starts a list;
 * - the numbers a `Timeout` holds (its start time and the like), boxed anew each time the timer
 *   is re-armed (`refresh()`, a test runner's timeouts): seen as `(number)` growing by one a
 *   round under vitest;
 * - the message buffer of an IPC channel in `advanced` serialisation (the channel is a `Pipe`;
 *   `node:internal/child_process/serialization`), a new Array after every message received:
 *   a worker of a test runner's process pool (vitest's forks) gets them while a test runs.
 */
const RENEWALS: readonly Renewal[] = [
  { variable: 'pendingUnhandledRejections', siblings: ['maybeUnhandledPromises'] },
  { variable: 'allocPool', siblings: ['createPool', 'alignPool'] },
  { variable: 'allocBuffer', siblings: ['createPool', 'alignPool'] },
  { variable: 'timerListId', siblings: ['timerListMap', 'timerListQueue'] },
];

/** A property through which Node points an object of its own at a new one on its own. */
interface RenewedProperty {
  /** The class of the object holding it. */
  readonly holder: string;
  /** The property's name as the snapshot has it (symbols as `<symbol description>`). */
  readonly property: string;
}

const RENEWED_PROPERTIES: readonly RenewedProperty[] = [{ holder: 'Pipe', property: '<symbol kMessageBuffer>' }];

const NODE_RENEWALS = new AnalysisKey<readonly number[]>('objects Node renewed on its own');

/**
 * The objects Node has renewed on its own (see RENEWALS): not the program's news, so a
 * relative-heap diff does not count them (what they hold still counts). Found once per graph.
 */
export function nodeRenewals(graph: HeapGraph): readonly number[] {
  return graph.analyses.get(NODE_RENEWALS, () => findNodeRenewals(graph));
}

function findNodeRenewals(graph: HeapGraph): number[] {
  const index = (name: string) => graph.strings.indexOf(name);
  const wanted = RENEWALS.map((r) => ({ variable: index(r.variable), siblings: r.siblings.map(index) })).filter(
    (r) => r.variable >= 0 && r.siblings.every((s) => s >= 0),
  );
  const renewed: number[] = [];
  const { layout, nodes, edges, firstEdge } = graph;
  const contextEdge = layout.edgeTypes.indexOf('context');
  const propertyEdge = layout.edgeTypes.indexOf('property');
  const numberType = layout.nodeTypes.indexOf('number');
  const step = EDGE_FIELDS;
  const toAt = EDGE_TO_NODE;
  const { typeMask, typeBits } = graph.edgePacking;
  // An edge of this type and name has this packed value (string indexes never overflow).
  const packed = (type: number, name: number): number => ((name << typeBits) | type) >>> 0;
  const hasVariable = (n: number, name: number): boolean => {
    const wanted = packed(contextEdge, name);
    for (let i = firstEdge[n]! * step, end = firstEdge[n + 1]! * step; i < end; i += step) {
      if (edges[i + EDGE_TYPE_NAME] === wanted) return true;
    }
    return false;
  };
  // Which classes to look into (the rest of the nodes, nearly all, are passed over): timers,
  // the holders of RENEWED_PROPERTIES, and contexts (the only nodes with context edges).
  const classes = graph.classes;
  const properties = RENEWED_PROPERTIES.map((p) => ({ holder: classes.names.indexOf(p.holder), property: index(p.property) })).filter(
    (p) => p.holder >= 0 && p.property >= 0,
  );
  const TIMEOUT = 1;
  const HOLDER = 2;
  const CONTEXT = 4;
  const look = new Uint8Array(classes.names.length);
  classes.names.forEach((name, c) => {
    if (name === 'Timeout') look[c]! |= TIMEOUT;
    if (wanted.length > 0 && name.startsWith('system / ') && name.endsWith('Context')) look[c]! |= CONTEXT;
  });
  for (const p of properties) look[p.holder]! |= HOLDER;
  // Flat loops: this runs over every node of a big snapshot.
  for (let n = 0; n < graph.nodeCount; n++) {
    const cls = classOf(classes, nodes, n, layout);
    const kind = look[cls]!;
    if (kind === 0) continue;
    const from = firstEdge[n]! * step;
    const end = firstEdge[n + 1]! * step;
    if (kind & TIMEOUT) {
      for (let i = from; i < end; i += step) {
        if (graph.nodeTypeIndex(edges[i + toAt]!) === numberType) renewed.push(edges[i + toAt]!);
      }
    }
    if (kind & HOLDER) {
      for (const p of properties) {
        if (cls !== p.holder) continue;
        const wanted = packed(propertyEdge, p.property);
        for (let i = from; i < end; i += step) {
          if (edges[i + EDGE_TYPE_NAME] === wanted) renewed.push(edges[i + toAt]!);
        }
      }
    }
    if (kind & CONTEXT) {
      for (let i = from; i < end; i += step) {
        const typeAndName = edges[i + EDGE_TYPE_NAME]!;
        if ((typeAndName & typeMask) !== contextEdge) continue;
        const name = typeAndName >>> typeBits;
        for (const r of wanted) {
          if (r.variable === name && r.siblings.every((s) => hasVariable(n, s))) renewed.push(edges[i + toAt]!);
        }
      }
    }
  }
  return renewed;
}
