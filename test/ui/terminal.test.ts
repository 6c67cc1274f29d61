import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
import { writeSeries } from '../helpers/snapshot-series.js';

// The built `heapdiff ui` in a real terminal: tmux runs it in a 100×30 window, keys go in with
// send-keys, the screen comes back with capture-pane. (Skipped where tmux is not installed;
// CI installs it.)

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HEAPDIFF = join(ROOT, 'packages/cli/bin/heapdiff.js');
const SERVER = fileURLToPath(new URL('../fixtures/programs/ui/leaky-server.mjs', import.meta.url));
const STUBBORN = fileURLToPath(new URL('../fixtures/programs/ui/stubborn.mjs', import.meta.url));
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const SOCKET = `heapdiff-test-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

/** Starts `command` in a new detached tmux window; after it ends, the window shows its exit code and stays. */
function open(name: string, command: string, size = { columns: 100, rows: 30 }): void {
  const shell = `${command}; echo "EXIT=$?"; sleep 600`;
  tmux('new-session', '-d', '-s', name, '-x', String(size.columns), '-y', String(size.rows), shell);
}

const screen = (name: string): string => tmux('capture-pane', '-p', '-t', name);
const screenLines = (name: string): string[] => screen(name).split('\n');
const selected = (name: string): string => (screenLines(name).find((l) => l.startsWith('›')) ?? '').slice(2);

function keys(name: string, ...sequence: string[]): void {
  for (const key of sequence) tmux('send-keys', '-t', name, key);
}

async function waitFor(name: string, check: (screen: string) => boolean, what: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = screen(name);
    if (check(now)) return now;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${now}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Presses keys one at a time, waiting for the screen to change after each. */
async function press(name: string, ...sequence: string[]): Promise<void> {
  for (const key of sequence) {
    const before = screen(name);
    keys(name, key);
    await waitFor(name, (now) => now !== before, `the screen to change after ${key}`, 5000).catch(() => undefined);
  }
}

function get(port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (response) => {
      response.resume();
      response.on('end', resolve);
    })
      .on('error', reject)
      .end();
  });
}

describe.skipIf(!hasTmux)('heapdiff ui in a real terminal (tmux)', () => {
  afterAll(() => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  });

  it('opens a snapshot, sorts, filters, drills into an object, reads its retainer path, quits and gives the terminal back', async () => {
    const files = writeSeries('map-cache');
    const last = files[files.length - 1]!;
    open('one', `node ${HEAPDIFF} ui ${last}`);
    await waitFor('one', (s) => s.includes('Class [n]'), 'the summary');
    expect(screenLines('one')[0]).toMatch(/^\[1 Summary\]\s*$/);
    // Sort by count, then by retained size (largest first): the header marks the column.
    await press('one', 'c', 'r');
    expect(screenLines('one')[1]).toMatch(/Retained ▼$/);
    await press('one', '/', 'C', 'a', 'c', 'h', 'e', 'd', 'Enter');
    expect(selected('one')).toMatch(/^CachedResponse +1,600 +/);
    await press('one', 'Enter');
    await waitFor('one', (s) => s.includes('Object [i]'), 'the instance list');
    expect(screenLines('one')[0]).toContain('CachedResponse');
    const object = selected('one').match(/CachedResponse @(\d+)/)![1]!;
    await press('one', 'Enter');
    const detail = await waitFor('one', (s) => s.includes('Retainer path from the GC roots'), 'the detail');
    expect(detail).toMatch(new RegExp(`› CachedResponse @${object} {2}object`));
    // The path, one step a line, down to the object: … → cache (Map) → table → … → the object.
    expect(detail).toMatch(new RegExp(`cache → Map @\\d+\\n +table → \\(object elements\\) @\\d+|cache → Map @\\d+\\n +table → .*\\n +\\d+ → CachedResponse @${object}`));
    await press('one', 'Escape');
    await waitFor('one', (s) => s.includes('Object [i]'), 'the instance list again');
    expect(selected('one')).toContain(`@${object}`);
    keys('one', 'q');
    const after = await waitFor('one', (s) => s.includes('EXIT='), 'heapdiff to exit');
    expect(after).toContain('EXIT=0');
    // The alternate screen is gone: nothing of the UI is left on the shell's screen.
    expect(after).not.toContain('Class [n]');
  });

  it('live: s takes three snapshots of a leaking server with load in between; the Leaks tab names the planted class', async () => {
    const dir = tempDir('heapdiff-ui-live-');
    const portFile = join(dir, 'port');
    const snapshots = join(dir, 'snapshots');
    open('live', `node ${HEAPDIFF} ui --dir ${snapshots} -- node ${SERVER} ${portFile}`);
    await waitFor('live', (s) => s.includes('No snapshot yet'), 'the live UI');
    await waitFor('live', () => existsSync(portFile) && readFileSync(portFile, 'utf8') !== '', 'the server to listen');
    const port = Number(readFileSync(portFile, 'utf8'));
    const load = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) await get(port, `/item/${i}`);
    };
    await load(50);
    keys('live', 's');
    await waitFor('live', (s) => s.includes('Class [n]'), 'the first snapshot');
    await load(250);
    keys('live', 's');
    await waitFor('live', (s) => s.includes('2 Comparison'), 'the second snapshot');
    // The comparison shows the round's 250 PlantedLeaks.
    await press('live', '2', '/', 'P', 'l', 'a', 'n', 't', 'Enter');
    expect(selected('live')).toMatch(/^PlantedLeak +250 +0 +\+250 /);
    await load(250);
    keys('live', 's');
    await waitFor('live', (s) => s.includes('3 Leaks'), 'the third snapshot');
    await press('live', '3');
    const leaks = await waitFor('live', (s) => s.includes('Leak: PlantedLeak'), 'the leak');
    expect(selected('live')).toMatch(/^PlantedLeak +500 +/);
    expect(leaks).toMatch(/live PlantedLeak per snapshot: 50 → 300 → 550 {3}this group's new per round: 250, 250/);
    expect(leaks).toMatch(/kept \(Array\)/);
    keys('live', 'q');
    const after = await waitFor('live', (s) => s.includes('EXIT='), 'heapdiff to exit');
    expect(after).toContain('EXIT=0');
    expect(after.replace(/\n/g, '')).toContain(`3 snapshots in ${snapshots}; to look again: heapdiff ui`);
    expect(readdirSync(snapshots).sort()).toEqual(['app.log', 's0.heapsnapshot', 's1.heapsnapshot', 's2.heapsnapshot']);
    expect(readFileSync(join(snapshots, 'app.log'), 'utf8')).toMatch(/^listening on \d+$/m);
    // The server heapdiff started is stopped.
    await expect(get(port, '/')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('draws in colour, the selection in inverse video, even with CI set; NO_COLOR keeps the inverse and drops the colours', async () => {
    const [file] = writeSeries('map-cache');
    open('colour', `CI=true node ${HEAPDIFF} ui ${file}`);
    open('plain', `NO_COLOR=1 node ${HEAPDIFF} ui ${file}`);
    const escapes = (name: string): string => tmux('capture-pane', '-e', '-p', '-t', name);
    await waitFor('colour', (s) => s.includes('Class [n]'), 'the summary');
    await waitFor('plain', (s) => s.includes('Class [n]'), 'the summary');
    const coloured = escapes('colour');
    expect(coloured).toMatch(/\x1b\[[0-9;]*7m[^\n]*› /);
    expect(coloured).toMatch(/\x1b\[[0-9;]*36m/);
    const plain = escapes('plain');
    expect(plain).toMatch(/\x1b\[[0-9;]*7m[^\n]*› /);
    expect(plain).not.toMatch(/\x1b\[(?:[0-9;]*;)?(?:3[0-7]|4[0-7]|9[0-7])m/);
    keys('colour', 'q');
    keys('plain', 'q');
  });

  // Relaunched (as for a big file, see huge-pages.ts), the shell waits for the parent process: it must stop too.
  it.each(['', 'HEAPDIFF_HUGE_PAGES=on '])('Ctrl-Z gives the shell its terminal back; fg brings the UI back, redrawn and answering keys %s', async (env) => {
    const shell = env ? 'relaunched' : 'shell';
    const [file] = writeSeries('map-cache');
    tmux('new-session', '-d', '-s', shell, '-x', '100', '-y', '30', 'bash --norc --noprofile');
    keys(shell, `${env}node ${HEAPDIFF} ui ${file}`, 'Enter');
    await waitFor(shell, (s) => s.includes('Class [n]'), 'the summary');
    keys(shell, 'C-z');
    await waitFor(shell, (s) => /Stopped/.test(s), 'the shell to say the job stopped');
    expect(screen(shell)).not.toContain('Class [n]');
    keys(shell, 'fg', 'Enter');
    await waitFor(shell, (s) => s.includes('Class [n]'), 'the UI again');
    await press(shell, 'c');
    expect(screenLines(shell)[1]).toMatch(/Objects ▼/);
    keys(shell, 'q');
    await waitFor(shell, (s) => !s.includes('Class [n]'), 'the shell again');
  });

  it('SIGTERM while live: the terminal back, a program that ignores SIGTERM killed, exit 143', async () => {
    const dir = tempDir('heapdiff-ui-stubborn-');
    const pidFile = join(dir, 'pid');
    open('stubborn', `node ${HEAPDIFF} ui --dir ${join(dir, 'snapshots')} -- node ${STUBBORN} ${pidFile}`);
    await waitFor('stubborn', (s) => s.includes('No snapshot yet'), 'the live UI');
    await waitFor('stubborn', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '', 'the program to start');
    const child = Number(readFileSync(pidFile, 'utf8'));
    // heapdiff's own process (not the shell or tmux that started it): the one whose command line begins with node.
    const heapdiff = Number(execFileSync('pgrep', ['-f', `^node \\S+heapdiff\\.js ui --dir ${join(dir, 'snapshots')}`], { encoding: 'utf8' }).trim().split('\n')[0]);
    process.kill(heapdiff, 'SIGTERM');
    const after = await waitFor('stubborn', (s) => s.includes('EXIT='), 'heapdiff to exit', 20_000);
    expect(after).toContain('EXIT=143');
    expect(after).not.toContain('No snapshot yet');
    expect(() => process.kill(child, 0)).toThrow(/ESRCH/);
  }, 40_000);

  it('file names with escape sequences are shown, never obeyed', async () => {
    const [file] = writeSeries('map-cache');
    const evil = join(tempDir(), 'evil\x1b]0;PWNED\x07.heapsnapshot');
    copyFileSync(file!, evil);
    open('evil', `node ${HEAPDIFF} ui '${evil}'`);
    await waitFor('evil', (s) => s.includes('Class [n]'), 'the summary');
    expect(tmux('display-message', '-p', '-t', 'evil', '#{pane_title}')).not.toContain('PWNED');
    // The status line writes the name out (as much of it as fits).
    expect(screenLines('evil').filter((l) => l.trim() !== '').at(-1)).toContain('evil\\x1b]0;PWNED');
    keys('evil', 'q');
  });

  it('refuses a dumb terminal', async () => {
    const [file] = writeSeries('map-cache');
    open('dumb', `TERM=dumb node ${HEAPDIFF} ui ${file}`);
    const after = await waitFor('dumb', (s) => s.includes('EXIT='), 'heapdiff to exit');
    expect(after).toContain('EXIT=2');
    expect(after).toContain('heapdiff: ui needs a terminal that can move its cursor, and TERM is "dumb"');
  });

  it('refuses when its output is not a terminal, pointing to the text commands', () => {
    const files = writeSeries('map-cache');
    const result = spawnSync(process.execPath, [HEAPDIFF, 'ui', files[0]!], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'heapdiff: ui needs a terminal, and stdout is not one: for text, JSON or Markdown use "heapdiff summary", "heapdiff diff" or "heapdiff leaks" (see "heapdiff --help")\n',
    );
  });

  it('refuses the same snapshot under two names, a --port without --pid, and a program with its own --inspect-publish-uid', () => {
    const [s0, s1] = writeSeries('map-cache');
    const link = join(tempDir(), 'link.heapsnapshot');
    symlinkSync(s1!, link);
    const run = (...args: string[]) => spawnSync(process.execPath, [HEAPDIFF, 'ui', ...args], { encoding: 'utf8' });
    let result = run(s0!, s1!, link);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`heapdiff: ${s1} and ${link} are the same file: give each snapshot once, oldest first (see "heapdiff --help")\n`);
    result = run(s0!, '--port', '9229');
    expect(result.stderr).toBe('heapdiff: --port goes with --pid (the inspector port of the process to watch) (see "heapdiff --help")\n');
    result = run('--', 'node', '--inspect-publish-uid=http', 'app.js');
    expect(result.stderr).toBe('heapdiff: leave out --inspect-publish-uid=http: heapdiff starts the program with its own inspector (see "heapdiff --help")\n');
  });

  it('an unreadable file gives the one-line error of the other commands, before any screen is drawn', async () => {
    const dir = tempDir();
    open('bad', `node ${HEAPDIFF} ui ${join(dir, 'missing.heapsnapshot')}`);
    const after = await waitFor('bad', (s) => s.includes('EXIT='), 'heapdiff to exit');
    expect(after).toContain('EXIT=2');
    expect(after).toMatch(/heapdiff: .*missing\.heapsnapshot/);
    expect(after).not.toContain('Class [n]');
  });
});
