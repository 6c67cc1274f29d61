import type { HeapSummary } from '@heapdiff/core';
import { toLocationJson, type LocationJson } from './location-json.js';

/** Identifies the shape of {@link SummaryJson}; bumped only on breaking changes. */
export const SUMMARY_JSON_SCHEMA = 'heapdiff/summary@1';

/**
 * The stable JSON form of a class summary (documented in packages/reporter/README.md).
 * Sizes are integers in bytes.
 */
export interface SummaryJson {
  schema: typeof SUMMARY_JSON_SCHEMA;
  /** The snapshot file, when the summary came from a file. */
  file: string | null;
  nodeCount: number;
  edgeCount: number;
  totals: { count: number; selfSize: number; classes: number };
  /** The rows shown (after filtering, sorting and --top), in display order. */
  classes: { className: string; location?: LocationJson; count: number; selfSize: number; retainedSize?: number }[];
}

export interface SummaryJsonInput {
  summary: HeapSummary;
  file?: string;
  nodeCount: number;
  edgeCount: number;
  top?: number;
}

/** Builds the JSON document for a summary; `JSON.stringify` it to print. */
export function toSummaryJson(input: SummaryJsonInput): SummaryJson {
  const { summary } = input;
  return {
    schema: SUMMARY_JSON_SCHEMA,
    file: input.file ?? null,
    nodeCount: input.nodeCount,
    edgeCount: input.edgeCount,
    totals: { count: summary.totalCount, selfSize: summary.totalSelfSize, classes: summary.rows.length },
    classes: summary.rows.slice(0, input.top ?? summary.rows.length).map((row) => ({
      className: row.className,
      ...(row.location ? { location: toLocationJson(row.location) } : {}),
      count: row.count,
      selfSize: row.selfSize,
      ...(row.retainedSize === undefined ? {} : { retainedSize: row.retainedSize }),
    })),
  };
}
