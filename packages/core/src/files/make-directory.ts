import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `mkdir -p`, one level at a time from the deepest directory that exists. (Node's own
 * `mkdirSync(path, { recursive: true })` never returns for a path under /proc: its retry on
 * ENOENT loops.) Throws the first level's error. Where heapdiff makes directories: the CLI's
 * snapshot directories, the runtime kit's heap dumps.
 *
 * @example makeDirectory('/var/dumps/app')
 */
export function makeDirectory(path: string): void {
  const missing: string[] = [];
  for (let at = path; !existsSync(at); at = dirname(at)) {
    missing.push(at);
    if (dirname(at) === at) break;
  }
  for (const level of missing.reverse()) mkdirSync(level);
}
