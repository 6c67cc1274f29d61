import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { allocationStackReader, parseSnapshot, type HeapGraph } from '@heapdiff/core';
import { tempDir } from '../helpers/fixtures.js';
import { edgeRecords } from '../helpers/edge-records.js';
import { nodeRecords } from '../helpers/node-records.js';
import { referenceParse } from '../helpers/reference-parse.js';
import { buildSnapshotText, tinySnapshotNodes } from '../helpers/snapshot-builder.js';

const dir = tempDir();
const good = buildSnapshotText(tinySnapshotNodes());
let fileCounter = 0;

const replaceIn = (text: string, from: string | RegExp, to: string) => {
  expect(text).toMatch(from);
  return text.replace(from, to);
};

type Outcome = { values: number[]; strings: string[] } | { code: string; message: string; offset: number | undefined };

async function outcome(parse: Promise<HeapGraph>): Promise<Outcome> {
  try {
    const graph = await parse;
    return { values: [...nodeRecords(graph), ...edgeRecords(graph)], strings: Array.from({ length: graph.strings.count }, (_, i) => graph.strings.get(i)) };
  } catch (error) {
    const { code, message, offset } = error as { code: string; message: string; offset: number | undefined };
    return { code, message: message.replace(/ \([^()]*byte offset \d+\)$/, ''), offset };
  }
}

/**
 * Parses `data` every way: inline and on workers (forced, as parallel-parse.test.ts does), from
 * a file and from chunks of several sizes, plain and gzip. All must agree; returns the outcome.
 */
async function everyWay(data: string | Uint8Array): Promise<Outcome> {
  const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
  const file = join(dir, `input-${fileCounter++}.heapsnapshot`);
  writeFileSync(file, bytes);
  const gz = `${file}.gz`;
  writeFileSync(gz, gzipSync(bytes));
  const chunks = (size: number) =>
    (async function* () {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    })();
  const outcomes: Outcome[] = [];
  // Chunks of a byte or a few too, for small inputs (for big ones, they would take long).
  const sizes = bytes.length > 50_000 ? [4096, 65_536] : [1, 7, 65_536];
  for (const options of [{ workers: 0 }, { workers: 2, parallelMinValues: 1 }]) {
    for (const readChunkSize of [4093, 1 << 20]) outcomes.push(await outcome(parseSnapshot(file, { ...options, readChunkSize })));
    for (const size of sizes) outcomes.push(await outcome(parseSnapshot(chunks(size), options)));
    outcomes.push(await outcome(parseSnapshot(gz, options)));
  }
  for (const other of outcomes.slice(1)) expect(other).toEqual(outcomes[0]);
  return outcomes[0]!;
}

/** What JSON.parse reads from the same text (node and edge values, edges' to_node as ordinals; strings). */
function expected(text: string | Uint8Array): Outcome {
  const reference = referenceParse(Buffer.from(text).toString('utf8'));
  expect(reference).toBeDefined();
  return { values: [...reference!.nodes, ...reference!.edges], strings: reference!.strings };
}

describe('long runs of white space: valid JSON, accepted on every path alike', () => {
  const spaces = (n: number) => ' \n\t\r'.repeat(Math.ceil(n / 4)).slice(0, n);

  it.each([
    ['right after "[" of nodes', '"nodes":[', `"nodes":[${spaces(70_000)}`],
    ['between a value and its comma', '"nodes":[9,0,1,', `"nodes":[9${spaces(200_000)},0,1,`],
    ['after a comma in edges', /("edges":\[\d+,\d+,)/, `$1${spaces(300_000)}`],
    ['before the "]" of nodes', /("nodes":\[[^\]]*)\]/, `$1${spaces(70_000)}]`],
  ])('%s (was refused on workers: "a run of more than 65536 bytes without a comma")', async (_, from, to) => {
    const text = replaceIn(good, from, to);
    expect(await everyWay(text)).toEqual(expected(text));
  });

  it('an error after a long run is found at the same offset on every path', async () => {
    const text = replaceIn(good, '"edges":[', `"edges":[1${spaces(100_000)}2,`);
    const at = text.indexOf('"edges":[') + 10 + 100_000;
    expect(await everyWay(text)).toEqual({ code: 'HEAPDIFF_SNAPSHOT_FORMAT', message: '"edges" must hold only integers, found "2"', offset: at });
  });

  it('a run of 100,000 digits is one value too large, on every path', async () => {
    const text = replaceIn(good, '"nodes":[9,', `"nodes":[${'9'.repeat(100_000)},`);
    expect(await everyWay(text)).toMatchObject({ code: 'HEAPDIFF_SNAPSHOT_FORMAT', message: '"nodes" has a value that does not fit below 2^32' });
  });
});

describe('encodings', () => {
  it('a UTF-8 byte order mark before the snapshot is read past (it was refused)', async () => {
    const text = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(good)]);
    expect(await everyWay(text)).toEqual(expected(good));
  });

  it('an incomplete byte order mark, or one after white space, is refused', async () => {
    expect(await everyWay(Buffer.concat([Buffer.from([0xef, 0xbb]), Buffer.from(good)]))).toMatchObject({ code: 'HEAPDIFF_SNAPSHOT_FORMAT', offset: 2 });
    expect(await everyWay(Buffer.concat([Buffer.from(' '), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(good)]))).toMatchObject({ code: 'HEAPDIFF_SNAPSHOT_FORMAT', offset: 1 });
  });

  // The offset is that of the first byte that cannot be part of valid UTF-8 where it stands.
  it.each([
    ['a byte that never starts UTF-8', [0xff], 0],
    ['a sequence cut short', [0xc3, 0x41], 1],
    ['an overlong encoding', [0xc0, 0xaf], 0],
    ['an encoded surrogate', [0xed, 0xa0, 0x80], 1],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 1],
  ])('invalid UTF-8 in the header (%s) is refused with its byte offset (it was replaced silently)', async (_, bad, badAt) => {
    const [before, after] = replaceIn(good, '{"snapshot":{', '{"snapshot":{"title":"caf@@","uid":1,').split('@@') as [string, string];
    const text = Buffer.concat([Buffer.from(before), Buffer.from(bad), Buffer.from(after)]);
    const at = before.length + badAt;
    expect(await everyWay(text)).toEqual({ code: 'HEAPDIFF_SNAPSHOT_ENCODING', message: 'a string in the "snapshot" header is not valid UTF-8', offset: at });
  });

  it('valid UTF-8 and escapes in the header are read as JSON.parse reads them', async () => {
    const text = replaceIn(good, '{"snapshot":{', '{"snapshot":{"title":"café 😀 \\u00e9 \\"q\\" \\ud83d\\ude00","uid":1,');
    expect(await everyWay(text)).toEqual(expected(text));
    const graph = await parseSnapshot((async function* () { yield Buffer.from(text); })());
    expect(graph.header.raw['title']).toBe('café 😀 é "q" 😀');
  });

  it('a header that is not JSON is refused in one line, at the byte (JSON.parse quoted the text, line breaks and all)', async () => {
    const text = replaceIn(good, '"node_count":', '\n"node_count": x, "n":');
    expect(await everyWay(text)).toEqual({
      code: 'HEAPDIFF_SNAPSHOT_FORMAT',
      message: 'the "snapshot" header is not valid JSON: expected a value, found "x"',
      offset: text.indexOf(' x,') + 1,
    });
  });

  it('a string that starts with U+FEFF keeps it (a decoder dropped it as a byte order mark)', async () => {
    const text = replaceIn(good, '"global"', '"\uFEFFglobal"');
    const outcome = await everyWay(text);
    expect(outcome).toEqual(expected(text));
    expect((outcome as { strings: string[] }).strings).toContain('\uFEFFglobal');
  });
});

describe('only JSON is accepted, as JSON.parse reads it', () => {
  it('a number with a leading zero is refused in the numeric sections, on every path (it was read as 1)', async () => {
    for (const [to, found] of [
      ['"nodes":[9,0,01,', '1'],
      ['"nodes":[9,00,1,', '0'],
    ] as const) {
      const text = replaceIn(good, '"nodes":[9,0,1,', to);
      const at = text.indexOf(to) + to.lastIndexOf(',0') + 2;
      expect(await everyWay(text)).toEqual({ code: 'HEAPDIFF_SNAPSHOT_FORMAT', message: `"nodes" must hold only integers, found "${found}"`, offset: at });
    }
    expect(await everyWay(replaceIn(good, '"samples":[]', '"samples":[1,-01]'))).toMatchObject({ code: 'HEAPDIFF_SNAPSHOT_FORMAT', message: '"samples" must hold only integers, found "1"' });
  });

  it('a section heapdiff does not know is skipped when it is JSON, and refused where it is not', async () => {
    const valid = replaceIn(good, '"strings":', '"x":{"a":[1,-2.5e+3,true,null,"é\\n",{}],"b":[]},"y":-0,"z":"\\ud800",\n"strings":');
    expect(await everyWay(valid)).toEqual(expected(valid));
    for (const [bad, found, message] of [
      ['"x":[1,2,],', ']', 'the "x" section is not valid JSON: expected a value, found "]"'],
      ['"x":01,', '1', 'the "x" section is not valid JSON: a number must not start with "0", found "1"'],
      ['"x":{"a" 1},', '1', 'the "x" section is not valid JSON: expected ":" after a key, found "1"'],
      ['"x":tru,', ',', 'the "x" section is not valid JSON: expected true, found ","'],
      ['"x":"\\q",', 'q', 'a string in the "x" section has an invalid escape "\\q"'],
      // A message is one line, whatever byte follows the backslash.
      ['"x":"\\\n",', '\n', 'a string in the "x" section has an invalid escape: a backslash, then byte 0x0a'],
    ] as const) {
      const text = replaceIn(good, '"strings":', `${bad}"strings":`);
      expect(await everyWay(text)).toEqual({ code: expect.stringMatching(/^HEAPDIFF_SNAPSHOT_(FORMAT|ENCODING)$/), message, offset: text.indexOf(bad) + bad.lastIndexOf(found) });
    }
  });

  it('a backslash before a line break in the header or the strings is refused on one line', async () => {
    expect(await everyWay(replaceIn(good, '"meta":', '"title":"a\\\r\nb","meta":'))).toMatchObject({ code: 'HEAPDIFF_SNAPSHOT_ENCODING', message: 'a string in the "snapshot" header has an invalid escape: a backslash, then byte 0x0d' });
    const strings = await everyWay(replaceIn(good, '"strings":["', '"strings":["\\\n'));
    expect(strings).toMatchObject({ code: 'HEAPDIFF_SNAPSHOT_ENCODING', message: expect.stringMatching(/^[^\n]*invalid escape: a backslash, then byte 0x0a$/) });
  });

  it('a section name with a control character or an escape is refused', async () => {
    expect(await everyWay(replaceIn(good, '"strings":', '"x\ty":1,"strings":'))).toMatchObject({ code: 'HEAPDIFF_SNAPSHOT_FORMAT', message: 'a section name holds byte 0x09; section names are plain ASCII without escapes' });
    expect(await everyWay(replaceIn(good, '"strings":', '"x\\u0041":1,"strings":'))).toMatchObject({ code: 'HEAPDIFF_SNAPSHOT_FORMAT', message: 'a section name holds "\\\\"; section names are plain ASCII without escapes' });
  });
});

describe('trace_tree, read as it streams', () => {
  const tracking = (tree: string) =>
    replaceIn(replaceIn(replaceIn(good, '"trace_tree":[]', `"trace_tree":${tree}`), '"trace_function_infos":[]', '"trace_function_infos":[1,0,0,0,0,0,2,0,0,0,0,0]'), '"trace_function_count":0', '"trace_function_count":2');

  it('a tree is flattened in preorder, each node with its parent, as JSON.parse reads it', async () => {
    const text = tracking('[1,0,0,0,[2,1,5,100,[3,1,1,16,[]],4,0,2,32,[ ]], 5 ,1,0,0,[]]');
    const graph = await parseSnapshot((async function* () { for (const c of text) yield Buffer.from(c); })());
    const tree = graph.traceTree!;
    expect([tree.count, [...tree.ids], [...tree.functionInfoIndexes], [...tree.counts], [...tree.sizes], [...tree.parents]]).toEqual([
      5,
      [1, 2, 3, 4, 5],
      [0, 1, 1, 0, 1],
      [0, 5, 1, 2, 0],
      [0, 100, 16, 32, 0],
      [-1, 0, 1, 0, -1],
    ]);
    expect(referenceParse(text)!.traceTree).toEqual({ ids: [...tree.ids], functionInfoIndexes: [...tree.functionInfoIndexes], counts: [...tree.counts], sizes: [...tree.sizes], parents: [...tree.parents] });
  });

  it('a trace node may name a function past trace_function_infos (V8 adds the ones that run while it writes): accepted, an unknown frame', async () => {
    const text = tracking('[1,0,0,0,[2,7,1,16,[]]]');
    const graph = await parseSnapshot((async function* () { yield Buffer.from(text); })());
    expect([...graph.traceTree!.functionInfoIndexes]).toEqual([0, 7]);
    expect(allocationStackReader(graph)(2)).toEqual([{ functionName: '(unknown)', scriptName: '', line: 0, column: 0 }]);
  });

  it.each([
    ['a trailing comma', '[1,0,0,0,[],]', ']', 'trace_tree: a "," before "]"'],
    ['two numbers without a comma', '[1,0,0 0,[]]', '0,[]]', 'trace_tree: expected "," or "]", found "0"'],
    ['a leading zero', '[1,0,0,00,[]]', '0,[]]', 'trace_tree: a number must not start with "0"'],
    ['a record cut short', '[1,0,0,[]]', '[]]', 'trace_tree: a children array in the wrong place'],
    ['a number for the children', '[1,0,0,0,7]', '7]', 'trace_tree: expected the children array of a trace node, found a number'],
  ])('%s is refused', async (_, tree, at, message) => {
    const text = tracking(tree);
    const outcome = await everyWay(text);
    expect(outcome).toMatchObject({ message });
    if (at !== undefined) expect(outcome).toMatchObject({ code: 'HEAPDIFF_SNAPSHOT_FORMAT', offset: text.indexOf(tree) + tree.lastIndexOf(at) });
  });
});
