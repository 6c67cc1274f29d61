import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  HeapdiffError,
  InputReadError,
  SnapshotEncodingError,
  SnapshotFormatError,
  SnapshotInconsistentError,
  SnapshotTooLargeError,
  SnapshotTruncatedError,
  parseSnapshot,
} from '@heapdiff/core';
import { buildSnapshotText, tinySnapshotNodes } from '../helpers/snapshot-builder.js';
import { tempDir } from '../helpers/fixtures.js';
import { CLI_SOURCE, runCli } from '../helpers/run-cli.js';
import { spawnSync } from 'node:child_process';

const good = buildSnapshotText(tinySnapshotNodes());
const dir = tempDir();
let fileCounter = 0;

function asFile(content: string | Uint8Array): string {
  const file = join(dir, `input-${fileCounter++}.heapsnapshot`);
  writeFileSync(file, content);
  return file;
}

/** Parses `content` from a file and from a stream; both must fail the same way. */
async function failures(content: string | Uint8Array) {
  const data = typeof content === 'string' ? Buffer.from(content) : content;
  const results = [];
  for (const input of [asFile(data), Readable.from([data])]) {
    try {
      await parseSnapshot(input);
      results.push(undefined);
    } catch (error) {
      results.push(error);
    }
  }
  return results as [unknown, unknown];
}

async function expectFailure(content: string | Uint8Array, type: new (...args: never[]) => HeapdiffError, message: RegExp) {
  for (const error of await failures(content)) {
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
  }
}

const sectionStart = (name: string) => good.indexOf(`"${name}":`);
const replaceIn = (from: string, to: string) => {
  expect(good).toContain(from);
  return good.replace(from, to);
};

describe('bad input gets a specific, located error', () => {
  it('empty input', async () => {
    await expectFailure('', SnapshotTruncatedError, /input is empty/);
  });

  it('white space only', async () => {
    await expectFailure('  \n ', SnapshotTruncatedError, /only white space/);
  });

  it('not JSON', async () => {
    await expectFailure('hello world', SnapshotFormatError, /expected "\{" at the start.*byte offset 0/);
  });

  it('JSON that is not a snapshot', async () => {
    await expectFailure('{"name":"x","version":1}', SnapshotFormatError, /no "snapshot" header/);
    await expectFailure('[1,2,3]', SnapshotFormatError, /expected "\{"/);
  });

  it('a meta field missing', async () => {
    await expectFailure(replaceIn('"self_size",', ''), SnapshotFormatError, /node_fields has no "self_size" field.*byte offset 12/);
  });

  it.each(['edge_count', 'type'])('a node field listed twice ("%s": a graph keeps some fields apart, by name) is refused', async (field) => {
    await expectFailure(replaceIn('"self_size",', `"self_size","${field}",`), SnapshotFormatError, new RegExp(`node_fields lists "${field}" twice.*byte offset 12`));
  });

  it('a header claiming 10^12 nodes is refused before allocating', async () => {
    const huge = replaceIn('"node_count":9', '"node_count":1000000000000');
    await expectFailure(huge, SnapshotTooLargeError, /declares 1000000000000 nodes/);
  });

  it('a snapshot without nodes (it would have no root): refused, not analysed forever', async () => {
    const empty = '{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],"node_types":[["synthetic"],"string","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["element"],"string_or_number","node"]},"node_count":0,"edge_count":0},"nodes":[],"edges":[],"strings":[]}';
    await expectFailure(empty, SnapshotFormatError, /declares 0 nodes: a heap snapshot has at least its root node/);
  });

  it('a header claiming more than the file can hold', async () => {
    const [fromFile] = await failures(replaceIn('"node_count":9', '"node_count":90000000'));
    expect(fromFile).toBeInstanceOf(SnapshotTruncatedError);
    expect((fromFile as Error).message).toMatch(/declares 90000000 nodes.*truncated or its header is wrong/);
  });

  it.each(['snapshot', 'nodes', 'edges', 'strings'])('truncated inside "%s"', async (section) => {
    const cut = good.slice(0, sectionStart(section) + 20);
    for (const error of await failures(cut)) {
      expect(error).toBeInstanceOf(SnapshotTruncatedError);
      expect((error as SnapshotTruncatedError).offset).toBeTypeOf('number');
    }
  });

  it('truncated right before the final brace', async () => {
    await expectFailure(good.trimEnd().slice(0, -1), SnapshotTruncatedError, /ends early/);
  });

  it('gzip that is cut short', async () => {
    const gz = gzipSync(good);
    await expectFailure(gz.subarray(0, gz.length - 30), SnapshotTruncatedError, /gzip data ends early|ends early/);
  });

  it('node_count disagreeing with the nodes array', async () => {
    await expectFailure(replaceIn('"node_count":9', '"node_count":8'), SnapshotInconsistentError, /"nodes" holds more than the 48 values/);
    await expectFailure(replaceIn('"node_count":9', '"node_count":10'), SnapshotInconsistentError, /"nodes" holds 54 values but the header declares 60/);
  });

  it('edge_count disagreeing with the edges array', async () => {
    await expectFailure(replaceIn('"edge_count":7', '"edge_count":6'), SnapshotInconsistentError, /"edges" holds more than the 18 values/);
  });

  it('edge counts of the nodes adding up wrong', async () => {
    // global (third node) claims 3 edges instead of 2; totals then disagree with edge_count.
    const nodes = good.slice(sectionStart('nodes'), sectionStart('edges'));
    const broken = good.replace(nodes, nodes.replace('3,3,5,40,2,0', '3,3,5,40,3,0'));
    expect(broken).not.toBe(good);
    await expectFailure(broken, SnapshotInconsistentError, /edge_count fields add up to 8, but the header declares 7 edges/);
  });

  it('to_node not a multiple of the node field count, or out of range', async () => {
    const edges = good.slice(sectionStart('edges'), sectionStart('trace_function_infos'));
    await expectFailure(good.replace(edges, edges.replace('5,1,12', '5,1,13')), SnapshotInconsistentError, /has to_node 13, not a multiple of the 6 node fields.*after byte offset \d+\)/);
    await expectFailure(good.replace(edges, edges.replace('5,1,12', '5,1,600')), SnapshotInconsistentError, /has to_node 600, past the last node \(\d+ nodes: the last one's fields start at \d+\)/);
  });

  it('locations: not whole entries, or an object_index that is not where a node starts', async () => {
    expect((await parseSnapshot(asFile(replaceIn('"locations":[]', '"locations":[6,1,2,3]')))).locations).toEqual(Int32Array.from([6, 1, 2, 3]));
    await expectFailure(replaceIn('"locations":[]', '"locations":[6,1,2,3,12,1,2]'), SnapshotInconsistentError, /"locations" holds 7 values, not a whole number of entries of 4 \(object_index, script_id, line, column\)/);
    await expectFailure(replaceIn('"locations":[]', '"locations":[6,1,2,3,13,1,2,3]'), SnapshotInconsistentError, /location #1 has object_index 13, not a multiple of the 6 node fields.*after byte offset \d+\)/);
    await expectFailure(replaceIn('"locations":[]', '"locations":[600,1,2,3]'), SnapshotInconsistentError, /location #0 has object_index 600, outside the nodes \(\d+ nodes: the last one's fields start at \d+\)/);
    await expectFailure(replaceIn('"locations":[]', '"locations":[-6,1,2,3]'), SnapshotInconsistentError, /location #0 has object_index -6, outside the nodes/);
  });

  it('a string index out of range', async () => {
    const nodes = good.slice(sectionStart('nodes'), sectionStart('edges'));
    await expectFailure(good.replace(nodes, nodes.replace('3,3,5,40', '3,999,5,40')), SnapshotInconsistentError, /node #2 names string 999/);
  });

  it('invalid UTF-8 in a string', async () => {
    const at = Buffer.from(good).indexOf('caf');
    const data = Buffer.from(good);
    data[at + 3] = 0xff;
    await expectFailure(data, SnapshotEncodingError, /string #\d+ is not valid UTF-8.*byte offset/);
  });

  it('an invalid escape in a string', async () => {
    await expectFailure(replaceIn('\\"q\\"', '\\q'), SnapshotEncodingError, /invalid escape "\\q"/);
    await expectFailure(replaceIn('\\"q\\"', '\\u12g4'), SnapshotEncodingError, /invalid \\u escape/);
  });

  it('a number where it should not be', async () => {
    await expectFailure(replaceIn('"nodes":[', '"nodes":[x'), SnapshotFormatError, /"nodes" must hold only integers, found "x"/);
  });

  it('a missing file, a directory', async () => {
    await expect(parseSnapshot(join(dir, 'nope.heapsnapshot'))).rejects.toThrow(InputReadError);
    await expect(parseSnapshot(join(dir, 'nope.heapsnapshot'))).rejects.toThrow(/no such file/);
    const sub = join(dir, 'a-directory');
    mkdirSync(sub);
    await expect(parseSnapshot(sub)).rejects.toThrow(/is a directory/);
  });

  // Root reads any file whatever its mode: as root, ask as "nobody" through the CLI, which
  // needs this checkout to be readable by nobody (true for a clone in a world-readable place).
  const asRoot = process.getuid?.() === 0;
  const nobodyCanRunCli = asRoot && spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(CLI_SOURCE)})`], { uid: 65534, gid: 65534 }).status === 0;
  it.skipIf(asRoot && !nobodyCanRunCli)('a file without read permission', async () => {
    const file = asFile(good);
    chmodSync(dir, 0o755);
    chmodSync(file, 0o000);
    if (!asRoot) {
      await expect(parseSnapshot(file)).rejects.toThrow(/permission denied/);
      return;
    }
    const result = await runCli(['summary', file], { uid: 65534, gid: 65534 });
    expect(result).toEqual({ code: 2, stdout: '', stderr: `heapdiff: permission denied reading ${file}\n` });
  });

  it('errors carry stable codes', async () => {
    const [error] = await failures('nope');
    expect((error as HeapdiffError).code).toBe('HEAPDIFF_SNAPSHOT_FORMAT');
  });
});

describe('relative-heap arguments', () => {
  it('relativeHeap refuses a baseline that is not an object id, saying what it got', async () => {
    const { relativeHeap } = await import('@heapdiff/core');
    const graph = await parseSnapshot(asFile(good));
    for (const bad of [Number.NaN, -1, 1.5, Infinity, 1e20]) {
      expect(() => relativeHeap(graph, bad)).toThrow(new TypeError(`relativeHeap: the baseline must be an object id (a whole number from 0), such as a mark's baselineId, not ${String(bad)}`));
    }
    expect(relativeHeap(graph, 0, undefined).baselineId).toBe(0);
  });

  it('markHeap refuses a settle time that is not a number of milliseconds, before marking anything', async () => {
    const { markHeap } = await import('@heapdiff/core/capture');
    for (const bad of [-1, Number.NaN, Infinity, 2 ** 31, '5', true, [5]]) {
      await expect(markHeap({ settle: bad as number })).rejects.toThrow(`markHeap: settle must be a number of milliseconds from 0 to 2147483647, not ${String(bad)}`);
    }
  });
});
