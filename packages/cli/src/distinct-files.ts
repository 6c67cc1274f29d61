import { realpathSync, statSync } from 'node:fs';
import { UsageError } from '@heapdiff/core/errors';
import { STDIN_ARGUMENT } from './load-graph.js';

/**
 * Refuses a snapshot given twice: by the same path, or under another name for the same file (a
 * symbolic or hard link: the same device and inode). Files that cannot be read are left to the
 * loader, which says why.
 */
export function checkDistinctFiles(files: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const file of files) {
    // Standard input given twice is the loader's to refuse (it can be read once).
    if (file === STDIN_ARGUMENT) continue;
    let key: string;
    try {
      const stat = statSync(file);
      key = `${stat.dev}:${stat.ino}`;
    } catch {
      try {
        key = realpathSync(file);
      } catch {
        key = file;
      }
    }
    const before = seen.get(key);
    if (before !== undefined) {
      throw new UsageError(
        before === file ? `${file} is given twice: give each snapshot once, oldest first` : `${before} and ${file} are the same file: give each snapshot once, oldest first`,
      );
    }
    seen.set(key, file);
  }
}
