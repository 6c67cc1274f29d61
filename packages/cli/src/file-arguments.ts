import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { UsageError } from '@heapdiff/core/errors';
import { STDIN_ARGUMENT } from './load-graph.js';
import { shellQuoted } from './shell-quote.js';
import { snapshotsIn } from './snapshot-names.js';

/**
 * File arguments with each directory replaced by the snapshots in it (see `snapshotsIn`) — the
 * directory `heapdiff leaks --pid` wrote, or any other. A directory without snapshots, or one
 * that cannot be listed, is refused, naming it; files and anything that cannot be read are left
 * to the loader, which says why.
 */
export function snapshotFiles(args: readonly unknown[]): string[] {
  return args.map(String).flatMap((arg) => {
    if (!isDirectory(arg)) return [arg];
    let files: string[];
    try {
      files = snapshotsIn(arg);
    } catch (error) {
      throw new UsageError(`cannot list the directory ${arg}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { seeHelp: false });
    }
    if (files.length === 0) {
      throw new UsageError(`${arg} is a directory with no .heapsnapshot files in it (folders inside are not searched): give snapshot files, or the directory heapdiff wrote them to`);
    }
    return files;
  });
}

/**
 * A command's yargs middleware, before validation: its `files` with directories replaced by
 * their snapshots (`snapshotFiles`), once, for the checks and the handler alike.
 */
export function expandFileArguments(argv: { files?: unknown }): void {
  if (Array.isArray(argv.files)) argv.files = snapshotFiles(argv.files);
}

/** Whether `path` is a directory (following links); false for anything that cannot be looked at. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Refuses the first file that does not exist or cannot be read (standard input aside), naming
 * it: before any check that counts the files, and before a load spends its time on the others.
 */
export function checkFilesExist(files: readonly string[]): void {
  for (const file of files) {
    if (file === STDIN_ARGUMENT) continue;
    if (!existsSync(file)) throw new UsageError(`no such file: ${shellQuoted(file)}`, { seeHelp: false });
    try {
      accessSync(file, constants.R_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? (error as Error).message);
      throw new UsageError(`cannot read ${shellQuoted(file)}: ${why}`, { seeHelp: false });
    }
  }
}

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
