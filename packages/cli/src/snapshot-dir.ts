import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '@heapdiff/core/errors';

/** The files a directory argument stands for: heap snapshots, plain or gzip-compressed. */
export const SNAPSHOT_FILE = /\.heapsnapshot(\.gz)?$/i;

/**
 * File arguments with each directory replaced by the snapshots in it, in name order with
 * numbers compared as numbers (s2 before s10) — the directory `heapdiff leaks --pid` wrote, or
 * any other. A directory without snapshots is refused, naming it; files and anything that
 * cannot be read are left to the loader, which says why.
 *
 * @example snapshotFiles(['heapdiff-leaks-2026-12-02']) // ['…/s0.heapsnapshot', '…/s1.heapsnapshot', …]
 */
export function snapshotFiles(args: readonly string[]): string[] {
  return args.map(String).flatMap((arg) => {
    if (!isDirectory(arg)) return [arg];
    let entries: string[];
    try {
      entries = readdirSync(arg);
    } catch (error) {
      throw new UsageError(`cannot list the directory ${arg}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { seeHelp: false });
    }
    // Files only (or links to files): not a FIFO, which would wait for a writer, nor a dangling link.
    const names = entries.filter((name) => SNAPSHOT_FILE.test(name) && isFile(join(arg, name)));
    if (names.length === 0) {
      throw new UsageError(`${arg} is a directory with no .heapsnapshot files in it (folders inside are not searched): give snapshot files, or the directory heapdiff wrote them to`);
    }
    return names.sort(byNameWithNumbers).map((name) => join(arg, name));
  });
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Whether `path` is a directory (following links); false for anything that cannot be looked at. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const collator = new Intl.Collator('en', { numeric: true });

/** s2 before s10; otherwise as the names sort. */
function byNameWithNumbers(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
