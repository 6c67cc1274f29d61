import { SnapshotsUnrelatedError } from '../errors.js';
import { HeapGraph } from '../graph/heap-graph.js';
import type { SnapshotCensus } from '../diff/snapshot-census.js';
import { formatCount } from '../format/bytes.js';

/**
 * Objects keep their ids for the life of a process: a sample of each earlier snapshot's
 * objects must mostly be in the last one, under the same class name.
 */
export function checkSameProcess(earlier: readonly (HeapGraph | SnapshotCensus)[], last: HeapGraph, label: (k: number) => string): void {
  const samples = earlier.map((first) => {
    const ids: number[] = [];
    const names: string[] = [];
    if (first instanceof HeapGraph) {
      const step = Math.max(1, Math.floor(first.nodeCount / 5000));
      for (let n = 0; n < first.nodeCount; n += step) {
        if ((first.nodeId(n) & 1) === 0) continue;
        ids.push(first.nodeId(n));
        names.push(first.className(n));
      }
    } else {
      first.sample.ids.forEach((id, i) => {
        ids.push(id);
        names.push(first.classes[first.sample.classes[i]!]!.name);
      });
    }
    return { ids, names, wanted: new Map(ids.map((id, i) => [id, i])), found: new Int32Array(ids.length).fill(-1) };
  });
  // One pass over the last snapshot's ids for all the samples (no id index for a few thousand
  // lookups); a bit filter turns most ids away before the maps are asked.
  const filter = new Uint8Array(1 << 20);
  for (const { ids } of samples) for (const id of ids) filter[(id >>> 1) & 0xfffff] = 1;
  const field = last.layout.nodeFieldCount;
  const nodes = last.nodes;
  for (let n = 0, at = last.layout.nodeIdOffset; n < last.nodeCount; n++, at += field) {
    const id = nodes[at]!;
    if (filter[(id >>> 1) & 0xfffff] === 0) continue;
    for (const { wanted, found } of samples) {
      const i = wanted.get(id);
      if (i !== undefined) found[i] = n;
    }
  }
  samples.forEach(({ ids, names, found }, k) => {
    let present = 0;
    let renamed = 0;
    found.forEach((n, i) => {
      if (n < 0) return;
      present++;
      if (last.className(n) !== names[i]) renamed++;
    });
    if ((ids.length >= 200 && present < ids.length * 0.05) || (present >= 100 && renamed > present * 0.1)) {
      throw new SnapshotsUnrelatedError(
        `${label(k)} and the last, ${label(earlier.length)}, do not share their objects (${formatCount(present)} of ${formatCount(ids.length)} sampled ids found, ${formatCount(renamed)} of those of another class): ` +
          `they are from different processes, or the heap profiler was reset between them: ${SnapshotsUnrelatedError.ADVICE}`,
      );
    }
  });
}
