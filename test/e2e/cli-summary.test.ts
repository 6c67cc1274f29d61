import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSnapshotText, tinySnapshotNodes } from '../helpers/snapshot-builder.js';
import { fixturePath, tempDir } from '../helpers/fixtures.js';
import { runCli } from '../helpers/run-cli.js';

const dir = tempDir();
const tiny = join(dir, 'tiny.heapsnapshot');
writeFileSync(tiny, buildSnapshotText(tinySnapshotNodes()));

describe('heapdiff inspect', () => {
  it('shows sizes, retainer path, retainers, dominators and what the object dominates', async () => {
    const result = await runCli(['inspect', tiny, '@7']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'Foo @7  (object)',
        '  shallow size 24 B   retained size 56 B   distance 2',
        '',
        'Retainer path',
        '  global → a → Foo @7',
        '',
        'Retainers (2 of 2)',
        '  edge | type     | from      | retained size',
        '  ==== | ======== | ========= | =============',
        '  a    | property | global @5 |         120 B',
        '  peer | weak     | Foo @9    |          24 B',
        '',
        'Dominator chain (nearest first)',
        '  global @5 ← (root) @1',
        '',
        'Dominates (1 of 1, biggest first)',
        '  object       | shallow size | retained size',
        '  ============ | ============ | =============',
        '  (string) @11 |         32 B |          32 B',
        '',
      ].join('\n'),
    );
  });

  it('prints JSON, and a clear error for an id the snapshot does not have', async () => {
    const json = JSON.parse((await runCli(['inspect', tiny, '7', '--json'])).stdout);
    expect(json).toMatchObject({ schema: 'heapdiff/inspect@1', id: 7, className: 'Foo', retainedSize: 56, distance: 2, retainerPath: 'global → a → Foo @7' });
    const missing = await runCli(['inspect', tiny, '@8']);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toMatch(/^heapdiff: no object with id @8 in /);
  });
});

describe('heapdiff summary', () => {
  it('prints an aligned class table with retained sizes, biggest retained first', async () => {
    const result = await runCli(['summary', tiny]);
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'class    | # objects | shallow size | retained size',
        '======== | ========= | ============ | =============',
        'global   |         1 |         40 B |         120 B',
        '<div>    |         1 |        100 B |         100 B',
        'Foo      |         2 |         48 B |          80 B',
        '(string) |         1 |         32 B |          32 B',
        'Function |         1 |         32 B |          32 B',
        '6 objects in 5 classes, 252 B in total',
        '',
      ].join('\n'),
    });
  });

  it('--shallow skips retained sizes and sorts by shallow size', async () => {
    const result = await runCli(['summary', tiny, '--shallow']);
    expect(result.stdout.split('\n').slice(0, 4)).toEqual([
      'class    | # objects | shallow size',
      '======== | ========= | ============',
      '<div>    |         1 |        100 B',
      'Foo      |         2 |         48 B',
    ]);
  });

  it('sorts, filters and cuts', async () => {
    const result = await runCli(['summary', tiny, '--sort', 'count', '--top', '2', '--shallow']);
    expect(result.stdout.split('\n').slice(2, 5)).toEqual(['Foo   |         2 |         48 B', '<div> |         1 |        100 B', '… 3 more classes']);
    const filtered = await runCli(['summary', tiny, '--filter', 'FOO']);
    expect(filtered.stdout.split('\n')[2]).toBe('Foo   |         2 |         48 B |          80 B');
    // A filter nothing matches says so, not an empty table.
    const none = await runCli(['summary', tiny, '--filter', 'session']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe(`No class name contains "session" (in any case), of the 5 classes in ${tiny}: drop --filter to list them\n`);
  });

  it('prints JSON in the documented schema', async () => {
    const result = await runCli(['summary', fixturePath(22), '--json', '--filter', 'foo', '--top', '1']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({
      schema: 'heapdiff/summary@1',
      file: fixturePath(22),
      classes: [{ className: 'Foo', count: 1000, selfSize: 40_000, retainedSize: 64_000 }],
    });
    expect(json.nodeCount).toBeGreaterThan(30_000);
    expect(Object.keys(json)).toEqual(['schema', 'file', 'nodeCount', 'edgeCount', 'totals', 'classes']);
  });

  it.each([
    [['summary', '/no/such/file.heapsnapshot'], /^heapdiff: no such file: \/no\/such\/file.heapsnapshot\n$/],
    [['summary', '/'], /^heapdiff: \/ is a directory, not a heap snapshot file\n$/],
    [['summary', 'x', '--top', '0'], /^heapdiff: --top must be a whole number of at least 1, got 0 \(see "heapdiff --help"\)\n$/],
    [['summary', 'x', '--sort', 'weight'], /^heapdiff: Invalid values: Argument: sort, Given: "weight", Choices: "retained", "size", "count", "name" \(see "heapdiff --help"\)\n$/],
    [['summary', 'x', '--sort', 'retained', '--shallow'], /^heapdiff: --sort retained needs retained sizes; leave out --shallow \(see "heapdiff --help"\)\n$/],
    [['inspect', 'x', '12a'], /^heapdiff: "12a" is not a node id; write it as @1234/],
    [['summary'], /^heapdiff: Not enough non-option arguments: got 0, need at least 1 \(see "heapdiff --help"\)\n$/],
    [['frobnicate'], /^heapdiff: Unknown argument: frobnicate \(see "heapdiff --help"\)\n$/],
  ])('exits 2 with one clear line for %j', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it('exits 2 on a file that is not a snapshot, naming the byte offset', async () => {
    const file = join(dir, 'package.json');
    writeFileSync(file, '{"name": "x"}');
    const result = await runCli(['summary', file]);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `heapdiff: the input is JSON but has no "snapshot" header; is this a V8 heap snapshot? (${file}, byte offset 0)\n`,
    });
  });
});
