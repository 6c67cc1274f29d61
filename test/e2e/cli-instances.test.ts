import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
import { runCli } from '../helpers/run-cli.js';
import { buildSnapshotText, tinySnapshotNodes } from '../helpers/snapshot-builder.js';
import { documentedSchema, shapeMismatches } from '../reporter/readme-schemas.js';

// `heapdiff summary FILE --instances CLASS`: the way from a class to the @ids `inspect` takes.

const dir = tempDir();
const tiny = join(dir, 'tiny.heapsnapshot');
writeFileSync(tiny, buildSnapshotText(tinySnapshotNodes()));

/** A real snapshot of a program with two classes named Session, from a.cjs (3 objects) and b.cjs (2). */
function sameNamedClasses(): string {
  const app = tempDir('heapdiff-same-named-');
  writeFileSync(join(app, 'a.cjs'), "module.exports = class Session { constructor(i) { this.i = i; this.extra = { i }; } };\n");
  writeFileSync(join(app, 'b.cjs'), 'module.exports = class Session { constructor(i) { this.i = i; } };\n');
  writeFileSync(
    join(app, 'main.cjs'),
    [
      "const A = require('./a.cjs');",
      "const B = require('./b.cjs');",
      'globalThis.fromA = [new A(1), new A(2), new A(3)];',
      'globalThis.fromB = [new B(1), new B(2)];',
      "require('node:v8').writeHeapSnapshot(process.argv[2]);",
    ].join('\n'),
  );
  const file = join(app, 'app.heapsnapshot');
  execFileSync(process.execPath, [join(app, 'main.cjs'), file]);
  return file;
}

describe.concurrent('heapdiff summary --instances', () => {
  it("lists the class's objects, biggest retained size first, with ids, sizes and distance", async () => {
    expect(await runCli(['summary', tiny, '--instances', 'Foo'])).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        '2 objects of Foo, biggest retained size first:',
        'object | shallow size | retained size | distance',
        '====== | ============ | ============= | ========',
        'Foo @7 |         24 B |          56 B |        2',
        'Foo @9 |         24 B |          24 B |        2',
        `look at one: heapdiff inspect ${tiny} @7`,
        '',
      ].join('\n'),
    });
  });

  it('--top cuts the list and says how many are left; strings show their text, functions their name', async () => {
    const [top, strings, functions] = await Promise.all([
      runCli(['summary', tiny, '--instances', 'Foo', '--top', '1']),
      runCli(['summary', tiny, '--instances', '(string)']),
      runCli(['summary', tiny, '--instances', 'Function']),
    ]);
    expect(top.stdout.split('\n').slice(3, 5)).toEqual(['Foo @7 |         24 B |          56 B |        2', '… 1 more object (--top N shows more)']);
    expect(strings.stdout.split('\n')[3]).toBe('(string) @11 "café 😀 "q"" |         32 B |          32 B |        3');
    // Nothing references the function: no distance.
    expect(functions.stdout.split('\n')[3]).toBe('Function @13 handler() |         32 B |          32 B |        –');
  });

  it('--json: the schema documented in packages/reporter/README.md', async () => {
    const result = await runCli(['summary', tiny, '--instances', 'Foo', '--json', '--top', '1']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(shapeMismatches(json, documentedSchema('heapdiff/instances@1').example, { optional: ['classes[].location'] })).toEqual([]);
    expect(json).toEqual({
      schema: 'heapdiff/instances@1',
      file: tiny,
      className: 'Foo',
      count: 2,
      classes: [{ className: 'Foo', count: 2, selfSize: 48 }],
      objects: [{ id: 7, name: 'Foo', className: 'Foo', type: 'object', label: 'Foo @7', selfSize: 24, retainedSize: 56, distance: 2, classIndex: 0 }],
    });
  });

  it('a class the snapshot does not have: one line with the close names, exit 2', async () => {
    const [typo, unknown, withShallow] = await Promise.all([
      runCli(['summary', tiny, '--instances', 'Fooo']),
      runCli(['summary', tiny, '--instances', 'Zebra']),
      runCli(['summary', tiny, '--instances', 'Foo', '--shallow']),
    ]);
    expect(typo).toEqual({ code: 2, stdout: '', stderr: `heapdiff: no class "Fooo" in ${tiny}; did you mean "Foo"?\n` });
    expect(unknown).toEqual({ code: 2, stdout: '', stderr: `heapdiff: no class "Zebra" in ${tiny}; "heapdiff summary ${tiny}" lists its classes\n` });
    expect(withShallow).toEqual({
      code: 2,
      stdout: '',
      stderr: `heapdiff: --instances lists one class's objects, biggest retained size first; leave out --shallow (see "heapdiff --help")\n`,
    });
  });

  it('inspect, given an id the snapshot lacks, points at --instances; the ids it lists, inspect takes', async () => {
    const missing = await runCli(['inspect', tiny, '@8']);
    expect(missing).toEqual({
      code: 2,
      stdout: '',
      stderr: `heapdiff: no object with id @8 in ${tiny}; ids are per snapshot: find one with heapdiff summary ${tiny} --instances CLASS\n`,
    });
    const listed = await runCli(['summary', tiny, '--instances', 'Foo']);
    const command = /^look at one: heapdiff (inspect .*)$/m.exec(listed.stdout)![1]!.split(' ');
    const inspected = await runCli(command);
    expect(inspected.code).toBe(0);
    expect(inspected.stdout.split('\n')[0]).toBe('Foo @7  (object)');
  });

  it('same-named classes from two scripts: all their objects with a class column, and how to pick one', async () => {
    const file = sameNamedClasses();
    const [all, picked, json] = await Promise.all([
      runCli(['summary', file, '--instances', 'Session']),
      runCli(['summary', file, '--instances', 'Session (a.cjs:1)']),
      runCli(['summary', file, '--instances', 'Session', '--json']),
    ]);
    expect(all.code).toBe(0);
    const lines = all.stdout.split('\n');
    expect(lines[0]).toBe('5 objects of 2 classes named Session, biggest retained size first:');
    expect(lines[1]).toMatch(/^class +\| object +\| shallow size \| retained size \| distance$/);
    // a.cjs's Sessions hold one more object each: they retain more, so they come first.
    expect(lines.slice(3, 8).map((line) => line.split(' | ')[0]!.trim())).toEqual([
      'Session (a.cjs:1)',
      'Session (a.cjs:1)',
      'Session (a.cjs:1)',
      'Session (b.cjs:1)',
      'Session (b.cjs:1)',
    ]);
    expect(lines[8]).toBe("pick one class with --instances 'Session (a.cjs:1)' or --instances 'Session (b.cjs:1)'");
    expect(lines[9]).toMatch(/^look at one: heapdiff inspect .*app\.heapsnapshot @\d+$/);

    expect(picked.code).toBe(0);
    const pickedLines = picked.stdout.split('\n');
    expect(pickedLines[0]).toBe('3 objects of Session (a.cjs:1), biggest retained size first:');
    expect(pickedLines.slice(3, 6).every((line) => /^Session @\d+ +\|/.test(line))).toBe(true);
    expect(pickedLines[6]).toMatch(/^look at one: /);

    const doc = JSON.parse(json.stdout);
    expect(doc.count).toBe(5);
    expect(doc.classes.map((c: { location: { file: string }; count: number }) => [c.location.file, c.count])).toEqual([
      ['a.cjs', 3],
      ['b.cjs', 2],
    ]);
    expect(doc.objects.map((o: { classIndex: number }) => o.classIndex)).toEqual([0, 0, 0, 1, 1]);
  });
});
