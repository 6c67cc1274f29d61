import type { SourceLocation } from '@heapdiff/core';
import { printable } from './printable.js';

/**
 * How classes read in a table: their names (made printable), with the constructor's file and
 * line added to those that share a name with another row (`Session (a.js:3)`, `Session (b.js:9)`).
 *
 * @example classLabels([{ className: 'Foo', location }, { className: 'Foo' }]) // ['Foo (app.js:12)', 'Foo']
 */
export function classLabels(rows: readonly { className: string; location?: SourceLocation }[]): string[] {
  const seen = new Map<string, number>();
  for (const row of rows) seen.set(row.className, (seen.get(row.className) ?? 0) + 1);
  return rows.map((row) => printable(seen.get(row.className)! > 1 && row.location ? `${row.className} (${whereDefined(row.location)})` : row.className));
}

/** `app.js:12` (1-based line), or `script 7` when the file is unknown. */
export function whereDefined(at: SourceLocation): string {
  const file = printable(at.file) || `script ${at.scriptId}`;
  return at.line >= 0 ? `${file}:${at.line + 1}` : file;
}
