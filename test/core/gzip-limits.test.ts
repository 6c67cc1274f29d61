import { spawnSync } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { constants, createGzip, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSnapshot } from '@heapdiff/core';
import { tempDir } from '../helpers/fixtures.js';
import { TSX_ARGS } from '../helpers/run-cli.js';

const dir = tempDir();
const MB = 1024 * 1024;

const meta = {
  node_fields: ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id'],
  node_types: [['synthetic', 'object'], 'string', 'number', 'number', 'number', 'number'],
  edge_fields: ['type', 'name_or_index', 'to_node'],
  edge_types: [['element', 'property'], 'string_or_number', 'node'],
  trace_function_info_fields: ['function_id', 'name', 'script_name', 'script_id', 'line', 'column'],
  trace_node_fields: ['id', 'function_info_index', 'count', 'size', 'children'],
};

/** A one-node snapshot's text around `middle`, with these header counts. */
function snapshotAround(counts: Record<string, number>, middle: string): [string, string] {
  const header = JSON.stringify({ meta, node_count: 1, edge_count: 0, trace_function_count: 1, ...counts });
  const at = `{"snapshot":${header},"nodes":[0,0,1,0,0,0],"edges":[],"trace_function_infos":[1,0,0,0,0,0],${middle}`;
  const [before, after] = at.split('@@') as [string, string];
  return [before, `${after},"strings":[""]}`];
}

/** Writes a gzip file: `before`, then `megabytes` of `fill` (never held whole), then `after`. */
async function gzipFile(name: string, [before, after]: [string, string], fill: string, megabytes: number): Promise<string> {
  const file = join(dir, name);
  const block = Buffer.alloc(MB, fill);
  await pipeline(
    (async function* () {
      yield Buffer.from(before);
      for (let i = 0; i < megabytes; i++) yield block;
      yield Buffer.from(after);
    })(),
    createGzip({ level: 1, strategy: constants.Z_RLE }),
    createWriteStream(file),
  );
  return file;
}

interface Loaded {
  ok: boolean;
  code?: string;
  message?: string;
  traceNodes?: number;
  ms: number;
}

/** Parses each file in a fresh process (`parseSnapshot`, defaults): the outcomes, and the process's peak RSS. */
function loadInChild(files: string[]): { results: Loaded[]; maxRssMB: number } {
  const script = join(dir, 'load.mts');
  const index = pathToFileURL(join(import.meta.dirname, '../../packages/core/src/index.ts')).href;
  writeFileSync(
    script,
    `import { parseSnapshot } from ${JSON.stringify(index)};
const results = [];
for (const file of process.argv.slice(2)) {
  const started = performance.now();
  try {
    const graph = await parseSnapshot(file);
    results.push({ ok: true, traceNodes: graph.traceTree?.count, ms: performance.now() - started });
  } catch (error) {
    results.push({ ok: false, code: error.code, message: error.message, ms: performance.now() - started });
  }
}
console.log(JSON.stringify({ results, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
`,
  );
  const child = spawnSync(process.execPath, [...TSX_ARGS, script, ...files], { encoding: 'utf8', timeout: 60_000 });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout) as { results: Loaded[]; maxRssMB: number };
}

describe('sizes a snapshot declares are checked before anything is allocated', () => {
  let whitespaceTree: string;
  let absurdCounts: string;
  beforeAll(async () => {
    // 256 MB of white space inside trace_tree, 256 KB compressed: valid JSON, nothing in it.
    whitespaceTree = await gzipFile('whitespace-trace-tree.heapsnapshot.gz', snapshotAround({}, '"trace_tree":[1,0,1,8,[@@]]'), ' ', 256);
    // A header declaring 700 million nodes (within what typed arrays hold) over a few bytes, then 64 MB of white space.
    absurdCounts = await gzipFile('absurd-counts.heapsnapshot.gz', snapshotAround({ node_count: 700_000_000, edge_count: 1_400_000_000 }, '"trace_tree":[@@]'), '\n', 64);
  });

  it('white space in a gzipped trace_tree costs no memory (it was held twice: 256 MB → 512 MB)', () => {
    const { results, maxRssMB } = loadInChild([whitespaceTree, absurdCounts]);
    expect(results[0]).toMatchObject({ ok: true, traceNodes: 1 });
    expect(results[1]).toMatchObject({
      ok: false,
      code: 'HEAPDIFF_SNAPSHOT_INCONSISTENT',
      message: expect.stringMatching(/^"nodes" holds 6 values but the header declares 4200000000 \(node_count × node_fields\)/),
    });
    // Node and the parser's own buffers: well under the 256 MB the text would take.
    expect(maxRssMB).toBeLessThan(250);
  });

  it('trace_function_count beyond what typed arrays hold: SNAPSHOT_TOO_LARGE at the header, from gzip and plain files', async () => {
    const text = snapshotAround({ trace_function_count: 1_000_000_000 }, '"trace_tree":[]@@').join('');
    const plain = join(dir, 'functions.heapsnapshot');
    writeFileSync(plain, text);
    const gz = join(dir, 'functions.heapsnapshot.gz');
    writeFileSync(gz, gzipSync(text));
    for (const file of [plain, gz]) {
      await expect(parseSnapshot(file)).rejects.toMatchObject({
        code: 'HEAPDIFF_SNAPSHOT_TOO_LARGE',
        offset: 12,
        message: expect.stringMatching(/^the header declares 1000000000 trace functions \(6000000000 values\), more than heapdiff can hold/),
      });
    }
  });

  it('trace_function_count beyond what a plain file can hold: refused as truncated before reading on', async () => {
    const file = join(dir, 'functions-short.heapsnapshot');
    writeFileSync(file, snapshotAround({ trace_function_count: 50_000_000 }, '"trace_tree":[]@@').join(''));
    await expect(parseSnapshot(file)).rejects.toMatchObject({
      code: 'HEAPDIFF_SNAPSHOT_TRUNCATED',
      message: expect.stringMatching(/^the header declares 1 nodes and 0 edges \(and 50000000 trace functions\), which need at least 600000012 bytes/),
    });
  });
});
