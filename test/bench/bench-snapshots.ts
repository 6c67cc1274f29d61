import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The benchmark snapshots: record counts for make-heap.js, calibrated on Node 20 (about 1.8 KB
 * of snapshot and 24 nodes per record). `2.3gb` is not run by default: it shows that files
 * past 2 GB load, and needs ~13 GB of memory to generate.
 */
const RECORDS = { '90mb': 50_000, '730mb': 405_000, '1.8gb': 1_000_000, '2.3gb': 1_260_000 } as const;
export type BenchSize = keyof typeof RECORDS;
export const ALL_BENCH_SIZES = Object.keys(RECORDS) as BenchSize[];
export const BENCH_SIZES: BenchSize[] = ['90mb', '730mb', '1.8gb'];

/** Where generated snapshots are cached, outside the repository. */
export function benchCacheDir(): string {
  return process.env['HEAPDIFF_BENCH_DIR'] ?? join(homedir(), '.cache', 'heapdiff-bench');
}

/** Returns the cached snapshot of this size, generating it first (a minute or two) if needed. */
export async function ensureBenchSnapshot(size: BenchSize, log: (message: string) => void): Promise<string> {
  const dir = benchCacheDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${size}-node${process.versions.node.split('.')[0]}.heapsnapshot`);
  if (existsSync(file) && statSync(file).size > 0) return file;
  const partial = `${file}.partial`;
  log(`generating ${file} (${RECORDS[size]} records)…`);
  const script = fileURLToPath(new URL('make-heap.js', import.meta.url));
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=20000', script, String(RECORDS[size]), partial], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`make-heap.js exited with ${code}`))));
  });
  renameSync(partial, file);
  return file;
}
