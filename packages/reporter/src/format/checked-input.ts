import type { LeakReport, SnapshotDiff } from '@heapdiff/core';

// The renderers' arguments, checked where they come in: a wrong one gets a TypeError that says
// what the renderer takes, not one from deep inside a loop.

const shown = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object of another kind' : typeof value === 'string' ? JSON.stringify(value) : String(value);

/** `report`, when it is a leak report (`findLeaks`); else a TypeError naming `renderer`. */
export function checkLeakReport(renderer: string, report: unknown, options: { top?: unknown; files?: unknown } = {}): LeakReport {
  const leaks = (report as LeakReport | undefined)?.leaks;
  if (!Array.isArray(leaks) || !Array.isArray((report as LeakReport).bounded) || !Array.isArray((report as LeakReport).snapshots)) {
    throw new TypeError(`${renderer}: takes a leak report (findLeaks), got ${shown(report)}`);
  }
  checkOptions(renderer, options, (report as LeakReport).snapshots.length);
  return report as LeakReport;
}

/** `diff`, when it is a comparison (`diffSnapshots`); else a TypeError naming `renderer`. */
export function checkDiff(renderer: string, diff: unknown, options: { top?: unknown } = {}): SnapshotDiff {
  if (!Array.isArray((diff as SnapshotDiff | undefined)?.rows)) throw new TypeError(`${renderer}: takes a comparison (diffSnapshots), got ${shown(diff)}`);
  checkOptions(renderer, options, undefined);
  return diff as SnapshotDiff;
}

function checkOptions(renderer: string, options: { top?: unknown; files?: unknown }, snapshots: number | undefined): void {
  if (options === null || typeof options !== 'object') throw new TypeError(`${renderer}: options must be an object, got ${shown(options)}`);
  const { top, files } = options;
  if (top !== undefined && !(typeof top === 'number' && Number.isInteger(top) && top >= 0)) throw new TypeError(`${renderer}: top must be a whole number from 0, got ${shown(top)}`);
  if (files === undefined) return;
  if (!Array.isArray(files) || !files.every((file) => typeof file === 'string')) throw new TypeError(`${renderer}: files must be an array of file names, got ${shown(files)}`);
  // (The last names the file to inspect: one name per snapshot, or it would be another's.)
  if (snapshots !== undefined && files.length !== snapshots) throw new TypeError(`${renderer}: files must name each of the ${snapshots} snapshots, oldest first; got ${files.length}`);
}
