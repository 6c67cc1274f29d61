import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The files a directory argument stands for: heap snapshots, plain or gzip-compressed. */
export const SNAPSHOT_FILE = /\.heapsnapshot(\.gz)?$/i;

/**
 * The snapshots in directory `dir`, as paths in name order with numbers compared as numbers
 * (s2 before s10). Regular files only, or links to them: not a FIFO, which would wait for a
 * writer, nor a dangling link. Throws what listing the directory throws. (No imports beyond
 * Node's: the huge-pages start-up module reads it too.)
 *
 * @example snapshotsIn('heapdiff-leaks-2026-12-02') // ['…/s0.heapsnapshot', '…/s1.heapsnapshot', …]
 */
export function snapshotsIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => SNAPSHOT_FILE.test(name) && isFile(join(dir, name)))
    .sort(byNameWithNumbers)
    .map((name) => join(dir, name));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

const collator = new Intl.Collator('en', { numeric: true });

/** s2 before s10; otherwise as the names sort. */
function byNameWithNumbers(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
