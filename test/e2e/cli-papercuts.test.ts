import { execFile, spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
import { CLI_SOURCE, runCli, TSX_ARGS } from '../helpers/run-cli.js';
import { buildSnapshotText, tinySnapshotNodes } from '../helpers/snapshot-builder.js';

// The small things a first session with `heapdiff` runs into: its version, what to do with no
// command, a typo in a command or an option, "1 objects".

const CLI_PACKAGE = fileURLToPath(new URL('../../packages/cli/package.json', import.meta.url));
const BIN = fileURLToPath(new URL('../../packages/cli/bin/heapdiff.js', import.meta.url));
const { version } = JSON.parse(readFileSync(CLI_PACKAGE, 'utf8')) as { version: string };

describe.concurrent('heapdiff papercuts', () => {
  it('--version prints the version of @heapdiff/cli, from the sources and from the built bin', async () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    // The published entry point (after `pnpm build`): dist/cli.js finds the same package.json.
    const built = await promisify(execFile)(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    expect(built).toEqual({ stdout: `${version}\n`, stderr: '' });
  });

  it('no command: the list of commands, then the line that points at it, exit 2', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe('heapdiff <command> [options]');
    const commands = lines.filter((line) => /^ {2}heapdiff \w+/.test(line)).map((line) => line.trim().split(/\s+/)[1]);
    expect(commands).toEqual(['summary', 'diff', 'leaks', 'inspect', 'snapshot', 'ui']);
    expect(lines.slice(-3)).toEqual(['', 'heapdiff: Name a command; see the list above.', '']);
  });

  it.each([
    [['summry'], 'heapdiff: unknown command "summry"; did you mean "summary"?'],
    [['inspct', 'x.heapsnapshot', '@1'], 'heapdiff: unknown command "inspct"; did you mean "inspect"?'],
    [['summary', 'x.heapsnapshot', '--topp', '3'], 'heapdiff: unknown option --topp; did you mean --top?'],
    [['diff', 'a', 'b', '--retaind'], 'heapdiff: unknown option --retaind; did you mean --retained?'],
    // Nothing close: yargs' own line, unchanged.
    [['summary', 'x.heapsnapshot', '--zzzzzz'], 'heapdiff: Unknown argument: zzzzzz (see "heapdiff --help")'],
  ])('a typo in %j: one line with what was meant, exit 2', async (args, line) => {
    expect(await runCli(args)).toEqual({ code: 2, stdout: '', stderr: `${line}\n` });
  });

  it('the suggestion, like every message, is English whatever $LANG says', async () => {
    const env = { LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8', LANGUAGE: 'de' };
    expect(await runCli(['summary', 'x.heapsnapshot', '--jsn'], { env })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'heapdiff: unknown option --jsn; did you mean --json?\n',
    });
  });

  it('diff: one object more is "+1 object", in text and in Markdown', async () => {
    const dir = tempDir();
    const base = join(dir, 'base.heapsnapshot');
    const current = join(dir, 'current.heapsnapshot');
    const nodes = tinySnapshotNodes();
    writeFileSync(base, buildSnapshotText(nodes));
    // The same heap, and one more Foo (a newer id) held by the global.
    const grown = structuredClone(nodes);
    grown[2]!.edges!.push({ type: 'property', name: 'c', to: grown.length });
    grown.push({ type: 'object', name: 'Foo', id: 17, selfSize: 24 });
    writeFileSync(current, buildSnapshotText(grown));
    const text = await runCli(['diff', base, current]);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n').at(-2)).toBe('1 new object (24 B), 0 deleted objects (0 B): +1 object, +24 B in 1 class that changed');
    const markdown = await runCli(['diff', base, current, '--markdown']);
    expect(markdown.stdout.split('\n')[2]).toBe('+1 object, +24 B: 1 new object (24 B), 0 deleted objects (0 B).');
  });

  it.skipIf(!existsSync('/dev/full'))('a full disk under stdout: one line and exit 2 (not an unhandled error, not 1 = "leaks found"); a closed pipe keeps the exit code', async () => {
    const file = join(tempDir(), 'tiny.heapsnapshot');
    writeFileSync(file, buildSnapshotText(tinySnapshotNodes()));
    const run = (stdout: number | 'pipe', closeAtOnce = false) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [...TSX_ARGS, CLI_SOURCE, 'summary', file], { stdio: ['ignore', stdout, 'pipe'] });
        if (closeAtOnce) child.stdout!.destroy();
        let stderr = '';
        child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (code) => resolve({ code, stderr }));
      });
    expect(await run(openSync('/dev/full', 'w'))).toEqual({ code: 2, stderr: 'heapdiff: cannot write the output to standard output: ENOSPC: no space left on device, write\n' });
    expect(await run('pipe', true)).toEqual({ code: 0, stderr: '' });
  });
});
