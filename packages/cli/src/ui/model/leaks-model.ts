import { findLeaks, type HeapGraph, type LeakGroup, type LeakReport, type SnapshotCensus } from '@heapdiff/core';

/** A row of the Leaks tab: a group that grows (a leak) or one that stopped growing (bounded). */
export interface LeakRow {
  readonly group: LeakGroup;
  readonly growing: boolean;
}

/** The Leaks tab: what grows across the series (then what is new but bounded), and each group's leak roots. */
export class LeaksModel {
  readonly report: LeakReport;
  readonly rows: readonly LeakRow[];
  readonly #graph: HeapGraph;

  constructor(earlier: readonly SnapshotCensus[], last: HeapGraph) {
    this.#graph = last;
    this.report = findLeaks([...earlier, last], { allIds: true });
    this.rows = [
      ...this.report.leaks.map((group) => ({ group, growing: true })),
      ...this.report.bounded.map((group) => ({ group, growing: false })),
    ];
  }

  /** The leak roots of a group, as node ordinals of the last snapshot. */
  members(row: LeakRow): Uint32Array {
    const ids = row.group.ids ?? row.group.sampleIds;
    return Uint32Array.from(ids.map((id) => this.#graph.ordinalOfId(id)).filter((node) => node >= 0));
  }
}
