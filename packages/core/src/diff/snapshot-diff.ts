import { shown } from '../format/shown.js';
import { classRetainedSizes } from '../analysis/class-retained-sizes.js';
import { SnapshotsUnrelatedError } from '../errors.js';
import { formatCount } from '../format/bytes.js';
import type { SourceLocation } from '../graph/class-keys.js';
import { HeapGraph } from '../graph/heap-graph.js';
import type { ObjectShape } from '../graph/object-shapes.js';
import { censusClassKeys, takeCensus, type SnapshotCensus } from './snapshot-census.js';

/** One class of DevTools' Comparison view: what changed between two snapshots of one process. */
export interface ClassDiffRow {
  /** As in the summary: `Session`, `{id, headers, body}`, `(string)`. */
  readonly className: string;
  readonly location?: SourceLocation;
  /** `# New`: objects in the current snapshot that were not in the base. */
  readonly newCount: number;
  /** `# Deleted`: objects of the base gone from the current snapshot. */
  readonly deletedCount: number;
  /** `# Delta`: new minus deleted. */
  readonly countDelta: number;
  /** `Alloc. Size`: shallow sizes of the new objects, in bytes. */
  readonly allocSize: number;
  /** `Freed Size`: shallow sizes of the deleted objects. */
  readonly freedSize: number;
  /** `Size Delta`: allocated minus freed. */
  readonly sizeDelta: number;
  /** The class's retained size now minus in the base (only when both have retained sizes). */
  readonly retainedSizeDelta?: number;
}

/** The comparison of two snapshots, class by class (classes with no new and no deleted objects left out). */
export interface SnapshotDiff {
  /** Largest size delta first. */
  readonly rows: readonly ClassDiffRow[];
  readonly newCount: number;
  readonly deletedCount: number;
  readonly allocSize: number;
  readonly freedSize: number;
  /** Objects (of non-zero size) in both snapshots. */
  readonly commonCount: number;
  readonly base: { readonly nodeCount: number; readonly maxJsNodeId: number };
  readonly current: { readonly nodeCount: number; readonly maxJsNodeId: number };
}

export interface DiffOptions {
  /** Also the retained-size delta per class (needs both dominator trees; default false). */
  retained?: boolean;
}

/**
 * DevTools' Comparison view: per class, the objects new in `current` and those of `base` gone
 * from it, matched by object id (V8 keeps an object's id for the life of the process; even ids
 * belong to the embedder's objects, renumbered in every snapshot, so those do not match). Classes as
 * in the summary, plain objects of both named by the current snapshot's shapes, as DevTools does.
 * Either side may be a loaded graph or a census (`takeCensus`), so the base's graph can go first.
 * Throws `SnapshotsUnrelatedError` when the ids say the two are not of one process in order.
 *
 * @example
 * const base = takeCensus(await parseSnapshot('before.heapsnapshot'))
 * const diff = diffSnapshots(base, await parseSnapshot('after.heapsnapshot'))
 * for (const row of diff.rows.slice(0, 10)) console.log(row.className, row.countDelta, row.sizeDelta)
 */
export function diffSnapshots(base: HeapGraph | SnapshotCensus, current: HeapGraph | SnapshotCensus, options: DiffOptions = {}): SnapshotDiff {
  if (options === null || typeof options !== 'object') throw new TypeError(`diffSnapshots: options must be an object, got ${shown(options)}`);
  const retained = options.retained ?? false;
  const censusOf = (side: HeapGraph | SnapshotCensus, which: string): SnapshotCensus => {
    if (side instanceof HeapGraph) return takeCensus(side, { retained, copy: false });
    if (!(side?.byId instanceof Uint32Array) || !(side.classOf instanceof Uint32Array)) {
      throw new TypeError(`diffSnapshots: the ${which} snapshot must be a graph (parseSnapshot) or a census (takeCensus), got ${String(side)}`);
    }
    if (!side.perNode) throw new TypeError(`diffSnapshots: the ${which} census was taken with { perNode: false }: a comparison needs each node's id, class and size`);
    return side;
  };
  const a = censusOf(base, 'base');
  const b = censusOf(current, 'current');
  if (a.maxJsNodeId > b.maxJsNodeId) {
    throw new SnapshotsUnrelatedError(
      `the base snapshot has newer objects (ids up to @${a.maxJsNodeId}) than the current one (up to @${b.maxJsNodeId}): ` +
        `they are in the wrong order (base first), or from different processes, or the heap profiler was reset between them: ${SnapshotsUnrelatedError.ADVICE}`,
    );
  }
  const rows = new RowTable();
  const rowOfA = rows.resolve(a, b.shapes);
  const rowOfB = rows.resolve(b, b.shapes);
  const count = rows.size;
  const newCount = new Float64Array(count);
  const deletedCount = new Float64Array(count);
  const allocSize = new Float64Array(count);
  const freedSize = new Float64Array(count);
  let common = 0;
  let renamed = 0;
  let baseJsObjects = 0;
  const deleted = (o: number): void => {
    const r = rowOfA[a.classOf[o]!]!;
    deletedCount[r]!++;
    freedSize[r]! += a.shallow[o]!;
  };
  const added = (o: number): void => {
    const r = rowOfB[b.classOf[o]!]!;
    newCount[r]!++;
    allocSize[r]! += b.shallow[o]!;
  };
  // One merge of the two id-ordered node lists; nodes of size 0 do not count, as in DevTools.
  const [na, nb] = [a.byId.length, b.byId.length];
  let i = 0;
  let j = 0;
  while (i < na || j < nb) {
    const oa = i < na ? a.byId[i]! : -1;
    const ob = j < nb ? b.byId[j]! : -1;
    if (oa >= 0 && a.shallow[oa] === 0) {
      i++;
      continue;
    }
    if (ob >= 0 && b.shallow[ob] === 0) {
      j++;
      continue;
    }
    const idA = oa >= 0 ? a.ids[oa]! : Infinity;
    const idB = ob >= 0 ? b.ids[ob]! : Infinity;
    if (idA < idB) {
      if (idA & 1) baseJsObjects++;
      deleted(oa);
      i++;
    } else if (idA > idB) {
      added(ob);
      j++;
    } else {
      if ((idA & 1) === 1) {
        baseJsObjects++;
        common++;
        if (a.classes[a.classOf[oa]!]!.name !== b.classes[b.classOf[ob]!]!.name) renamed++;
      }
      // Matched by id whatever its parity, as DevTools does (the embedder's even ids are
      // renumbered in every snapshot, so they match only when a file is compared with itself).
      if (rowOfA[a.classOf[oa]!] !== rowOfB[b.classOf[ob]!]) {
        deleted(oa);
        added(ob);
      }
      i++;
      j++;
    }
  }
  checkRelated(common, renamed, baseJsObjects);

  const retainedA = retained && a.tree ? retainedPerRow(a, rowOfA, count) : undefined;
  const retainedB = retained && b.tree ? retainedPerRow(b, rowOfB, count) : undefined;
  const out: ClassDiffRow[] = [];
  let totals = { newCount: 0, deletedCount: 0, allocSize: 0, freedSize: 0 };
  for (let r = 0; r < count; r++) {
    if (newCount[r] === 0 && deletedCount[r] === 0) continue;
    const { name, location } = rows.row(r);
    out.push({
      className: name,
      ...(location ? { location } : {}),
      newCount: newCount[r]!,
      deletedCount: deletedCount[r]!,
      countDelta: newCount[r]! - deletedCount[r]!,
      allocSize: allocSize[r]!,
      freedSize: freedSize[r]!,
      sizeDelta: allocSize[r]! - freedSize[r]!,
      ...(retainedA && retainedB ? { retainedSizeDelta: retainedB[r]! - retainedA[r]! } : {}),
    });
    totals = {
      newCount: totals.newCount + newCount[r]!,
      deletedCount: totals.deletedCount + deletedCount[r]!,
      allocSize: totals.allocSize + allocSize[r]!,
      freedSize: totals.freedSize + freedSize[r]!,
    };
  }
  out.sort((x, y) => y.sizeDelta - x.sizeDelta || y.countDelta - x.countDelta || compareText(x.className, y.className));
  return {
    rows: out,
    ...totals,
    commonCount: common,
    base: { nodeCount: a.nodeCount, maxJsNodeId: a.maxJsNodeId },
    current: { nodeCount: b.nodeCount, maxJsNodeId: b.maxJsNodeId },
  };
}

/**
 * Objects with the same id are the same object in one process: of the same class. When few
 * ids are shared, or many shared ids name different classes, the snapshots are of two processes.
 */
function checkRelated(common: number, renamed: number, baseJsObjects: number): void {
  if (baseJsObjects >= 1000 && common < baseJsObjects * 0.05) {
    throw new SnapshotsUnrelatedError(
      `only ${formatCount(common)} of the base snapshot's ${formatCount(baseJsObjects)} objects are in the current one: ` +
        `the two are from different processes, or the heap profiler was reset between them: ${SnapshotsUnrelatedError.ADVICE}`,
    );
  }
  if (common >= 100 && renamed > common * 0.1) {
    throw new SnapshotsUnrelatedError(
      `${formatCount(renamed)} of the ${formatCount(common)} objects the two snapshots share by id have different classes: ` +
        `the two are from different processes, or the heap profiler was reset between them: ${SnapshotsUnrelatedError.ADVICE}`,
    );
  }
}

/** Retained size per row: DevTools' per-class rule (members not dominated by another member of their class). */
function retainedPerRow(census: SnapshotCensus, rowOf: Uint32Array, rowCount: number): Float64Array {
  const keyOf = new Uint32Array(census.nodeCount);
  for (let n = 0; n < census.nodeCount; n++) keyOf[n] = rowOf[census.classOf[n]!]!;
  return classRetainedSizes(census.tree!, { keyOf, classCount: rowCount, shallow: census.shallow }).retained;
}

const compareText = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

/** The rows of a comparison, by the text DevTools keys classes with across snapshots. */
class RowTable {
  readonly #byKey = new Map<string, number>();
  readonly #rows: { name: string; location: SourceLocation | undefined }[] = [];

  get size(): number {
    return this.#rows.length;
  }

  row(r: number): { name: string; location: SourceLocation | undefined } {
    return this.#rows[r]!;
  }

  /** Each census class's row, plain objects named by `shapes`. */
  resolve(census: SnapshotCensus, shapes: readonly ObjectShape[]): Uint32Array {
    const { keys, names } = censusClassKeys(census, shapes);
    const rowOf = new Uint32Array(census.classes.length);
    keys.forEach((key, k) => {
      let r = this.#byKey.get(key);
      if (r === undefined) {
        r = this.#rows.length;
        this.#rows.push({ name: names[k]!, location: census.classes[k]!.location });
        this.#byKey.set(key, r);
      }
      rowOf[k] = r;
    });
    return rowOf;
  }
}
