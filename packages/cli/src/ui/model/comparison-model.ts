import { classKeys, diffSnapshots, type ClassDiffRow, type HeapGraph, type SnapshotCensus, type SourceLocation } from '@heapdiff/core';
import type { SnapshotModel } from './snapshot-model.js';

/** A row of the Comparison tab: DevTools' columns, and the class in the current snapshot (if it still has objects). */
export interface ComparisonRow extends ClassDiffRow {
  /** The class's key in the current snapshot's summary, or undefined when all its objects are gone. */
  readonly classKey: number | undefined;
}

/**
 * The Comparison tab: the previous snapshot (a census) against the current one, class by
 * class, and per class the objects that are new in the current snapshot.
 */
export class ComparisonModel {
  readonly rows: readonly ComparisonRow[];
  readonly newCount: number;
  readonly deletedCount: number;
  readonly sizeDelta: number;
  readonly #base: SnapshotCensus;
  readonly #current: SnapshotModel;
  #baseIds: Uint32Array | undefined;

  constructor(base: SnapshotCensus, current: SnapshotModel) {
    this.#base = base;
    this.#current = current;
    const diff = diffSnapshots(base, current.graph);
    const keyByClass = classKeyIndex(current.graph);
    this.rows = diff.rows.map((row) => ({ ...row, classKey: keyByClass.get(classText(row.className, row.location)) }));
    this.newCount = diff.newCount;
    this.deletedCount = diff.deletedCount;
    this.sizeDelta = diff.allocSize - diff.freedSize;
  }

  /** The objects of a class in the current snapshot whose ids the base does not have. */
  newMembers(classKey: number): Uint32Array {
    const members = this.#current.members(classKey);
    const baseIds = this.#sortedBaseIds();
    const graph = this.#current.graph;
    return members.filter((node) => !contains(baseIds, graph.nodeId(node)));
  }

  /** The base's ids of objects that count (non-zero shallow size), ascending. */
  #sortedBaseIds(): Uint32Array {
    if (!this.#baseIds) {
      const { byId, ids, shallow } = this.#base;
      const kept: number[] = [];
      for (let i = 0; i < byId.length; i++) if (shallow[byId[i]!] !== 0) kept.push(ids[byId[i]!]!);
      this.#baseIds = Uint32Array.from(kept);
    }
    return this.#baseIds;
  }
}

function classText(name: string, location: SourceLocation | undefined): string {
  return location ? `${location.scriptId}:${location.line}:${location.column} ${name}` : ` ${name}`;
}

function classKeyIndex(graph: HeapGraph): Map<string, number> {
  const { names, locations } = classKeys(graph);
  const index = new Map<string, number>();
  names.forEach((name, key) => index.set(classText(name, locations[key]), key));
  return index;
}

function contains(sorted: Uint32Array, value: number): boolean {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const at = sorted[mid]!;
    if (at === value) return true;
    if (at < value) low = mid + 1;
    else high = mid - 1;
  }
  return false;
}
