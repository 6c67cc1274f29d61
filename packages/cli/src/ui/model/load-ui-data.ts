import type { HeapGraph, SnapshotCensus } from '@heapdiff/core';
import { loadSeries } from '../../load-series.js';
import { ComparisonModel } from './comparison-model.js';
import { LeaksModel } from './leaks-model.js';
import { SnapshotModel } from './snapshot-model.js';
import type { UiData } from './view-rows.js';

/**
 * Reads snapshots for the UI, oldest first: the last one whole (with its analyses), the one
 * before it as a census with each object's id (for the Comparison tab), the older ones as
 * counts (for the Leaks tab). Progress goes to `progress`, or as a line on a terminal's stderr.
 */
export async function loadUiData(files: readonly string[], progress?: (text: string) => void): Promise<UiData> {
  const { earlier, last } = await loadSeries(files, { perNode: 'previous', ...(progress ? { progress } : {}) });
  return uiData(files, earlier, last, progress);
}

/**
 * What the tabs show, from the snapshots loaded: the last one's summary, the comparison with
 * the one before (when there is one), the leaks across all (from three).
 */
export function uiData(files: readonly string[], earlier: readonly SnapshotCensus[], last: HeapGraph, progress?: (text: string) => void): UiData {
  progress?.('Summarising…');
  const summary = new SnapshotModel(last);
  const previous = earlier[earlier.length - 1];
  if (previous) progress?.('Comparing the last two snapshots…');
  const comparison = previous ? new ComparisonModel(previous, summary) : undefined;
  if (earlier.length >= 2) progress?.(`Looking for leaks across the ${files.length} snapshots…`);
  const leaks = earlier.length >= 2 ? new LeaksModel(earlier, last) : undefined;
  return { files, summary, ...(comparison ? { comparison } : {}), ...(leaks ? { leaks } : {}) };
}
