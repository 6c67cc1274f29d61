import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSnapshot, type HeapGraph } from '@heapdiff/core';
import { fixturePath, inflatedFixture, tempDir } from '../helpers/fixtures.js';
import { nodeRecords } from '../helpers/node-records.js';
import { CLI_SOURCE, runCli, TSX_ARGS } from '../helpers/run-cli.js';

const dir = tempDir();
const plain = inflatedFixture(20);
const gzip = fixturePath(20);
const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
/** The command line that runs heapdiff from source, for a shell. */
const heapdiff = [process.execPath, ...TSX_ARGS, CLI_SOURCE].map(quote).join(' ');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a shell command line (real pipes, FIFOs and process substitution, as a user would). */
function shell(command: string, options: { input?: Buffer; shell?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.shell ?? 'sh', ['-c', command], { env: { ...process.env, NO_COLOR: '1' }, stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (options.input) child.stdin!.end(options.input);
  });
}

/** The summary JSON without the file name, which says where the input came from. */
function summaryOf(run: Run): unknown {
  expect(run).toMatchObject({ code: 0, stderr: '' });
  const { file: _file, ...rest } = JSON.parse(run.stdout) as { file: string };
  return rest;
}

const bytes = (a: Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
function expectSameGraph(a: HeapGraph, b: HeapGraph): void {
  expect(bytes(a.nodes).equals(bytes(b.nodes))).toBe(true);
  expect(nodeRecords(a)).toEqual(nodeRecords(b));
  expect(bytes(a.edges).equals(bytes(b.edges))).toBe(true);
  expect(a.strings.count).toBe(b.strings.count);
  for (let i = 0; i < a.strings.count; i += 101) expect(a.strings.get(i)).toBe(b.strings.get(i));
}

/** A FIFO that a writer process fills with `file`, once someone opens it for reading. */
function fifoOf(file: string, name: string): string {
  const fifo = join(dir, name);
  spawnSync('mkfifo', [fifo]);
  void pipeline(createReadStream(file), createWriteStream(fifo));
  return fifo;
}

describe('snapshots from pipes, FIFOs and standard input', () => {
  let expected: unknown;
  beforeAll(async () => {
    expected = summaryOf(await runCli(['summary', plain, '--shallow', '--json']));
  });

  it('"-" and /dev/stdin read a real pipe, plain and gzip', async () => {
    expect(summaryOf(await shell(`cat ${quote(plain)} | ${heapdiff} summary - --shallow --json`))).toEqual(expected);
    expect(summaryOf(await shell(`cat ${quote(gzip)} | ${heapdiff} summary /dev/stdin --shallow --json`))).toEqual(expected);
  });

  it('"-" reads standard input redirected from a file; /dev/stdin a socket (as Node gives a child), which cannot be opened again by name', async () => {
    expect(summaryOf(await shell(`${heapdiff} summary - --shallow --json < ${quote(gzip)}`))).toEqual(expected);
    expect(summaryOf(await shell(`${heapdiff} summary /dev/stdin --shallow --json`, { input: readFileSync(plain) }))).toEqual(expected);
  });

  it('a FIFO (mkfifo), and process substitution <(…)', async () => {
    expect(summaryOf(await runCli(['summary', fifoOf(gzip, 'cli.fifo'), '--shallow', '--json']))).toEqual(expected);
    expect(summaryOf(await shell(`${heapdiff} summary <(cat ${quote(plain)}) --shallow --json`, { shell: 'bash' }))).toEqual(expected);
  });

  it('inspect reads standard input too', async () => {
    const run = await shell(`cat ${quote(gzip)} | ${heapdiff} inspect - @1 --json`);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toMatchObject({ schema: 'heapdiff/inspect@1', file: '-', id: 1, label: '(root) @1', retainedSize: 2_989_403 });
  });

  it('diff and leaks take "-" for one of their snapshots; ui refuses it (its keys come from the terminal)', async () => {
    const diff = await shell(`cat ${quote(gzip)} | ${heapdiff} diff - ${quote(gzip)} --json`);
    expect(diff).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(diff.stdout)).toMatchObject({ base: { file: '-' }, current: { file: gzip } });
    const twice = await shell(`cat ${quote(gzip)} | ${heapdiff} leaks ${quote(plain)} - -`);
    expect(twice).toMatchObject({ code: 2, stderr: 'heapdiff: "-" (standard input) is given more than once: it can be read only once; give the other snapshots as files (see "heapdiff --help")\n' });
    const ui = await runCli(['ui', '-', gzip]);
    expect(ui).toMatchObject({
      code: 2,
      stderr: 'heapdiff: ui reads its keys from the terminal, so it cannot read a snapshot from standard input ("-"): save the snapshot to a file and open that (see "heapdiff --help")\n',
    });
  });

  // util-linux `script` runs the command on a pseudo-terminal.
  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)('"-" when standard input is a terminal: a usage error at once, not a wait for typing', async () => {
    const run = await shell(`script -qec ${quote(`${heapdiff} summary -`)} /dev/null`);
    expect(run.code).toBe(2);
    expect(run.stdout.replace(/\r/g, '')).toBe(
      'heapdiff: "-" reads the snapshot from standard input, which is a terminal here: pipe one in, as in cat app.heapsnapshot | heapdiff summary - (see "heapdiff --help")\n',
    );
  });

  it('a FIFO parses exactly as its file does, inline and on workers, plain and gzip', async () => {
    const reference = await parseSnapshot(plain, { workers: 0 });
    for (const [file, name] of [
      [plain, 'plain'],
      [gzip, 'gzip'],
    ] as const) {
      for (const workers of [0, 2]) {
        expectSameGraph(await parseSnapshot(fifoOf(file, `${name}-${workers}.fifo`), { workers, parallelMinValues: 1 }), reference);
      }
    }
  });

  it('an error in piped input is the same coded one line', async () => {
    const broken = join(dir, 'broken.heapsnapshot');
    writeFileSync(broken, readFileSync(plain).subarray(0, 100_000));
    const run = await shell(`cat ${quote(broken)} | ${heapdiff} summary -`);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/^heapdiff: the snapshot ends early, inside "nodes" after \d+ of \d+ values; the file is incomplete \(an interrupted write or download\?\) \(byte offset 100000\)\n$/);
  });
});
