import type { SnapshotDiff } from '@heapdiff/core';
import { toLocationJson, type LocationJson } from './location-json.js';
import { checkDiff } from '../format/checked-input.js';

/** Identifies the shape of {@link DiffJson}; bumped only on breaking changes. */
export const DIFF_JSON_SCHEMA = 'heapdiff/diff@1';

/** The stable JSON form of a comparison of two snapshots (packages/reporter/README.md). */
export interface DiffJson {
  schema: typeof DIFF_JSON_SCHEMA;
  base: { file: string | null; nodeCount: number; maxJsNodeId: number };
  current: { file: string | null; nodeCount: number; maxJsNodeId: number };
  totals: { newCount: number; deletedCount: number; allocSize: number; freedSize: number; commonCount: number; classes: number };
  /** The rows shown, in display order. */
  classes: {
    className: string;
    location?: LocationJson;
    newCount: number;
    deletedCount: number;
    countDelta: number;
    allocSize: number;
    freedSize: number;
    sizeDelta: number;
    retainedSizeDelta?: number;
  }[];
}

export interface DiffJsonInput {
  diff: SnapshotDiff;
  baseFile?: string;
  currentFile?: string;
  top?: number;
}

/** Builds the JSON document for a comparison; `JSON.stringify` it to print. */
export function toDiffJson(input: DiffJsonInput): DiffJson {
  if (input === null || typeof input !== 'object' || !('diff' in input)) {
    throw new TypeError(`toDiffJson: takes { diff, baseFile?, currentFile?, top? } (the comparison from diffSnapshots), got ${input === null ? 'null' : typeof input}`);
  }
  const diff = checkDiff('toDiffJson', input.diff, input.top === undefined ? {} : { top: input.top });
  return {
    schema: DIFF_JSON_SCHEMA,
    base: { file: input.baseFile ?? null, ...diff.base },
    current: { file: input.currentFile ?? null, ...diff.current },
    totals: {
      newCount: diff.newCount,
      deletedCount: diff.deletedCount,
      allocSize: diff.allocSize,
      freedSize: diff.freedSize,
      commonCount: diff.commonCount,
      classes: diff.rows.length,
    },
    classes: diff.rows.slice(0, input.top ?? diff.rows.length).map(({ location, ...row }) => ({
      className: row.className,
      ...(location ? { location: toLocationJson(location) } : {}),
      newCount: row.newCount,
      deletedCount: row.deletedCount,
      countDelta: row.countDelta,
      allocSize: row.allocSize,
      freedSize: row.freedSize,
      sizeDelta: row.sizeDelta,
      ...(row.retainedSizeDelta === undefined ? {} : { retainedSizeDelta: row.retainedSizeDelta }),
    })),
  };
}
