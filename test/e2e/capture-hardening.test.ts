import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CaptureError, parseSnapshot, summarizeClasses } from '@heapdiff/core';
import { programEndedError, startWithInspector } from '../../packages/cli/src/capture-target.js';
import { fixturePath, tempDir } from '../helpers/fixtures.js';
import { freePort } from '../helpers/ports.js';
import { nodeForBigScriptSnapshots } from '../helpers/node-for-snapshots.js';
import { CLI_SOURCE, TSX_ARGS, runCli, type CliResult } from '../helpers/run-cli.js';

// Capture under faults, hostile input and signals (issue 15, items 1–8): each case here failed
// before — a stack trace, a hang, a wrong process captured, a process killed, a file lost.

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Whether process `pid` is still there. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until `check` holds, at most `ms`. */
async function until(check: () => boolean, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

/** Starts a long-running process and resolves once it printed "ready" (or at once for non-Node programs). */
function start(command: string, args: string[], readyLine = true): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  if (!readyLine) return new Promise((resolve) => setTimeout(() => resolve(child), 200));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => d.includes('ready') && resolve(child));
    child.on('error', reject);
  });
}

const HOLDER = 'class HardFoo {}; globalThis.k = Array.from({ length: 500 }, () => new HardFoo()); console.log("ready"); setInterval(() => {}, 1000);';

/** A program that writes its pid to `pidFile`, holds `ballast` objects, and runs until stopped. */
function pidProgram(dir: string, ballast = 0): { app: string; pidFile: string } {
  const pidFile = join(dir, 'app.pid');
  const app = join(dir, 'app.js');
  writeFileSync(
    app,
    `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));
globalThis.ballast = Array.from({ length: ${ballast} }, (_, i) => ({ i, s: 'x' + i }));
console.log('ready');
setInterval(() => {}, 1000);
`,
  );
  return { app, pidFile };
}

/** Runs the CLI from source and sends `signal` once `when` holds. */
async function runCliAndSignal(args: string[], when: (stderr: string) => boolean, signal: NodeJS.Signals): Promise<CliResult & { waitedMs: number }> {
  const child = spawn(process.execPath, [...TSX_ARGS, CLI_SOURCE, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(await until(() => when(stderr), 30_000)).toBe(true);
  const sent = Date.now();
  child.kill(signal);
  const code = await closed;
  return { code, stdout, stderr, waitedMs: Date.now() - sent };
}

/** A tmpfs of `size` when this machine allows mounting one (root), else undefined. */
const mounts: string[] = [];
function smallFilesystem(size: string): string | undefined {
  const dir = tempDir();
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
  if (mounted.status !== 0) return undefined;
  mounts.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of mounts) spawnSync('umount', ['-l', dir], { stdio: 'ignore' });
});
const canMount = (() => {
  const dir = smallFilesystem('64k');
  return dir !== undefined;
})();

describe('1. a full disk', () => {
  it.skipIf(!canMount)('exits 2 with one line, leaves no partial file, and stops the program it started', async () => {
    const full = smallFilesystem('1m')!;
    const work = tempDir();
    const { app, pidFile } = pidProgram(work, 20_000);
    const result = await runCli(['snapshot', '-o', join(full, 'app.heapsnapshot'), '--after', '300', '--', process.execPath, app]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^ready\nheapdiff: cannot write the snapshot to .*app\.heapsnapshot: no space left on the device \(after [\d,]+ bytes\)\n$/);
    expect(readdirSync(full)).toEqual([]);
    expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it.skipIf(!canMount)('heapdiff leaks on a full disk: exit 2, one line, no snapshot files, program stopped', async () => {
    const full = smallFilesystem('1m')!;
    const work = tempDir();
    const { app, pidFile } = pidProgram(work, 20_000);
    const result = await runCli(['leaks', '--interval', '200ms', '--dir', join(full, 'series'), '--', process.execPath, app]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/heapdiff: cannot write the snapshot to .*s0\.heapsnapshot: no space left on the device/);
    expect(result.stderr.trim().split('\n').filter((line) => line.startsWith('heapdiff: cannot'))).toHaveLength(1);
    expect(readdirSync(full)).toEqual([]);
    expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });
});

describe('2 and 3. --pid names what is signalled and what is captured', () => {
  it('refuses when another process holds the inspector port, instead of capturing it', async () => {
    const port = await freePort();
    const other = await start(process.execPath, [`--inspect=127.0.0.1:${port}`, '-e', HOLDER]);
    const target = await start(process.execPath, ['-e', HOLDER]);
    const dir = tempDir();
    const result = await runCli(['snapshot', '--pid', String(target.pid), '--port', String(port), '-o', join(dir, 'x.heapsnapshot')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `heapdiff: the inspector at 127.0.0.1:${port} belongs to process ${other.pid}, not ${target.pid}: another process holds that port. Start ${target.pid} with --inspect-port=PORT (or --inspect=127.0.0.1:PORT) and pass --port PORT\n`,
    );
    expect(readdirSync(dir)).toEqual([]);
    expect(alive(target.pid!)).toBe(true);
  });

  it.each([
    ['sleep', ['30']],
    ['python3', ['-c', 'import time; time.sleep(30)']],
  ])('never signals a process that is not Node (%s), and says what it is', async (command, args) => {
    if (spawnSync('which', [command]).status !== 0) return;
    const target = await start(command, args, false);
    const result = await runCli(['snapshot', '--pid', String(target.pid), '-o', join(tempDir(), 'x.heapsnapshot')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^heapdiff: process ${target.pid} \\(.*${command}.*\\) is not a Node process \\(its executable is [^)]+\\); heapdiff sends SIGUSR1 only to node.*\\n$`));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(alive(target.pid!)).toBe(true);
  });

  // --disable-sigusr1 came with Node 22.14; the Node 22 test binary has it when this one does not.
  const withDisableSigusr1 = [process.execPath, nodeForBigScriptSnapshots()].find(
    (node) => node !== undefined && spawnSync(node, ['--disable-sigusr1', '-e', '0']).status === 0,
  );
  it.skipIf(!withDisableSigusr1)('never signals a Node process started with --disable-sigusr1 (the signal would end it)', async () => {
    const target = await start(withDisableSigusr1!, ['--disable-sigusr1', '-e', HOLDER]);
    const leaks = await runCli(['leaks', '--pid', String(target.pid), '--dir', join(tempDir(), 'series')]);
    expect(leaks.code).toBe(2);
    expect(leaks.stderr).toMatch(/^heapdiff: process \d+ \(.*\) does not listen for SIGUSR1 .*--inspect HOST:PORT\n$/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(alive(target.pid!)).toBe(true);
  });

  it('closes the inspector it turned on, unless --keep-inspector', async () => {
    for (const keep of [false, true]) {
      const port = await freePort();
      const target = await start(process.execPath, [`--inspect-port=127.0.0.1:${port}`, '-e', HOLDER]);
      const file = join(tempDir(), 'x.heapsnapshot');
      const result = await runCli(['snapshot', '--pid', String(target.pid), '--port', String(port), '-o', file, ...(keep ? ['--keep-inspector'] : [])]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const listening = async (): Promise<boolean> =>
        fetch(`http://127.0.0.1:${port}/json/list`).then(
          () => true,
          () => false,
        );
      if (keep) expect(await listening()).toBe(true);
      else expect(await until(() => false, 300).then(listening)).toBe(false);
      expect(alive(target.pid!)).toBe(true);
    }
  });
});

describe('4. -o: never lose a file', () => {
  it('refuses an existing file unless --force, and a failed capture with --force leaves it as it was', async () => {
    const dir = tempDir();
    const file = join(dir, 'precious.heapsnapshot');
    writeFileSync(file, 'precious');
    const refused = await runCli(['snapshot', '--inspect', '127.0.0.1:1', '-o', file]);
    expect(refused).toMatchObject({ code: 2, stderr: `heapdiff: ${file} exists; choose another name, or replace it with --force\n` });
    const failed = await runCli(['snapshot', '--inspect', '127.0.0.1:1', '-o', file, '--force']);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^heapdiff: nothing listens on 127\.0\.0\.1:1/);
    expect(readFileSync(file, 'utf8')).toBe('precious');
    expect(readdirSync(dir)).toEqual(['precious.heapsnapshot']);
  });

  it('refuses what is not a regular file, even with --force (a device node is never replaced)', async () => {
    const result = await runCli(['snapshot', '--inspect', '127.0.0.1:1', '-o', '/dev/null', '--force']);
    expect(result).toMatchObject({ code: 2, stderr: 'heapdiff: /dev/null exists and is not a regular file; name a new file\n' });
  });

  it('--force replaces a file with the new snapshot; -o - writes a complete one to stdout', async () => {
    const dir = tempDir();
    const file = join(dir, 'old.heapsnapshot');
    writeFileSync(file, 'old');
    const replaced = await runCli(['snapshot', '-o', file, '--force', '--after', '200', '--', process.execPath, '-e', HOLDER]);
    expect(replaced.code).toBe(0);
    expect(summarizeClasses(await parseSnapshot(file)).rows.find((row) => row.className === 'HardFoo')?.count).toBe(500);
    const piped = await runCli(['snapshot', '-o', '-', '--after', '200', '--', process.execPath, '-e', HOLDER]);
    expect(piped.code).toBe(0);
    expect(piped.stderr).toMatch(/heapdiff: wrote the snapshot to stdout \([\d.]+ [kM]B\)\n$/);
    const copy = join(dir, 'piped.heapsnapshot');
    writeFileSync(copy, piped.stdout);
    expect(summarizeClasses(await parseSnapshot(copy)).rows.find((row) => row.className === 'HardFoo')?.count).toBe(500);
    expect(readdirSync(dir).sort()).toEqual(['old.heapsnapshot', 'piped.heapsnapshot']);
  });
});

describe('5. the loopback rule holds for the address the inspector points to', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('refuses a /json/list that points to a non-loopback WebSocket', async () => {
    server = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify([{ type: 'node', webSocketDebuggerUrl: 'ws://10.1.2.3:9229/abc' }]));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const result = await runCli(['snapshot', '--inspect', `127.0.0.1:${port}`, '-o', join(tempDir(), 'x.heapsnapshot')]);
    expect(result).toMatchObject({
      code: 2,
      stderr: `heapdiff: the inspector at 127.0.0.1:${port} points to 10.1.2.3, which is not a loopback address; heapdiff connects only to this machine unless allowRemote (--allow-remote) is given\n`,
    });
  });
});

describe('6. error paths end at once, and stop the program', () => {
  it('an -o in a missing directory is refused before the program starts', async () => {
    const started = Date.now();
    const dir = tempDir();
    const { app, pidFile } = pidProgram(dir);
    const result = await runCli(['snapshot', '-o', '/nonexistent/x.heapsnapshot', '--after', '500', '--', process.execPath, app]);
    expect(result).toMatchObject({ code: 2, stderr: 'heapdiff: cannot write /nonexistent/x.heapsnapshot: the directory /nonexistent does not exist\n' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(readdirSync(dir)).toEqual(['app.js']);
    void pidFile;
  });

  it.each([
    [['--after', '20s']],
    [[]], // waits for SIGUSR2 (stdin is no terminal)
  ])('a program that exits early ends the wait %j at once', async (wait) => {
    const started = Date.now();
    const result = await runCli(['snapshot', '-o', join(tempDir(), 'x.heapsnapshot'), ...wait, '--', process.execPath, '-e', 'setTimeout(() => process.exit(4), 300)']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/heapdiff: the program exited \(code 4\) before the snapshot was taken\n$/);
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it('--track-allocations on a program that fails at once says the program ended, with its own error above', async () => {
    const result = await runCli(['snapshot', '-o', join(tempDir(), 'x.heapsnapshot'), '--track-allocations', '--after', '5s', '--', process.execPath, '/nonexistent/app.js']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Cannot find module '\/nonexistent\/app\.js'/);
    expect(result.stderr).toMatch(/\nheapdiff: the program exited \(code 1\) before the snapshot was taken\n$/);
    expect(result.stderr).not.toMatch(/Cannot find context/);
  });
});

describe('from a new user: programs that die, load that outlives the series, a port chosen elsewhere', () => {
  it('a program dead before heapdiff connects is said to have exited, not an inspector that refused', async () => {
    const result = await runCli(['snapshot', '-o', join(tempDir(), 'x.heapsnapshot'), '--after', '0', '--', process.execPath, '-e', 'throw new Error("boom")']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Error: boom/);
    expect(result.stderr).toMatch(/\nheapdiff: the program exited \(code 1\) before the snapshot was taken\n$/);
  });

  it('a connection reset by a program that died is the program\'s ending; a file heapdiff could not write stays the error', async () => {
    // The race above, made certain: the program is gone when the error is looked at. A socket's
    // ECONNRESET comes from a failed write, like a full disk; only the file decides.
    const started = await startWithInspector([process.execPath, '-e', 'setTimeout(() => process.exit(3), 10)'], false, undefined);
    children.push(started.child);
    await started.exited;
    const reset = Object.assign(new Error('write ECONNRESET'), { code: 'ECONNRESET', syscall: 'write', errno: -104 });
    const broken = new CaptureError('the inspector at 127.0.0.1:1 did not answer: write ECONNRESET', { cause: reset });
    const stop = async (): Promise<void> => {};
    expect((await programEndedError(started, undefined, 'the snapshot', stop, broken))?.message).toBe('the program exited (code 3) before the snapshot was taken');
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    const own = new CaptureError('cannot write the snapshot to /x.heapsnapshot: no space left on the device', { cause: full, file: '/x.heapsnapshot' });
    expect(await programEndedError(started, undefined, 'the snapshot', stop, own)).toBeUndefined();
  });

  it('SIGTERM during --between stops the load command and what it started', async () => {
    const work = tempDir();
    const { app } = pidProgram(work);
    const loadPid = join(work, 'load.pid');
    const result = await runCliAndSignal(
      ['leaks', '--between', `sleep 30 & echo $! > ${loadPid}; wait`, '--dir', join(tempDir(), 'series'), '--', process.execPath, app],
      () => {
        try {
          return readFileSync(loadPid, 'utf8').trim().length > 0;
        } catch {
          return false;
        }
      },
      'SIGTERM',
    );
    expect(result.code).toBe(143);
    const sleeper = Number(readFileSync(loadPid, 'utf8'));
    expect(await until(() => !alive(sleeper), 3_000)).toBe(true);
  });

  it('--pid with a --port the process did not choose: its inspector is found where it did, closed again, and named', async () => {
    const port = await freePort();
    const target = await start(process.execPath, [`--inspect-port=127.0.0.1:${port}`, '-e', HOLDER]);
    const result = await runCli(['snapshot', '--pid', String(target.pid), '--port', String(port + 1), '-o', join(tempDir(), 'x.heapsnapshot')]);
    expect(result).toMatchObject({ code: 2, stderr: `heapdiff: process ${target.pid} opened its inspector on port ${port}, not ${port + 1} (heapdiff closed it again): pass --port ${port}\n` });
    const closed = await fetch(`http://127.0.0.1:${port}/json/list`).then(
      () => false,
      () => true,
    );
    expect(closed).toBe(true);
    expect(alive(target.pid!)).toBe(true);
  });

  it('--pid without --port uses the port the process chose (--inspect-port)', async () => {
    const port = await freePort();
    const target = await start(process.execPath, [`--inspect-port=127.0.0.1:${port}`, '-e', HOLDER]);
    const file = join(tempDir(), 'x.heapsnapshot');
    const result = await runCli(['snapshot', '--pid', String(target.pid), '-o', file]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
  });
});

describe('from an attack round', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it.each([['garbage'], ['ws://[::1'], ['ftp://127.0.0.1/x'], [null]])('a /json/list WebSocket address %j is one line, exit 2', async (url) => {
    server = createServer((_request, response) => response.end(JSON.stringify([url === null ? null : { type: 'node', webSocketDebuggerUrl: url }])));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const result = await runCli(['snapshot', '--inspect', `127.0.0.1:${port}`, '-o', join(tempDir(), 'x.heapsnapshot')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^heapdiff: [^\n]+\n$/);
  });

  it('a process paused in its debugger: the snapshots heapdiff took are said to be of a process that did not run', async () => {
    const port = await freePort();
    const { app } = pidProgram(tempDir());
    const paused = spawn(process.execPath, [`--inspect-brk=127.0.0.1:${port}`, app], { stdio: 'ignore' });
    children.push(paused);
    // Its inspector answers once it is up.
    let up = false;
    for (let tries = 0; !up && tries < 100; tries++) {
      up = await fetch(`http://127.0.0.1:${port}/json/list`).then(
        () => true,
        async () => (await new Promise((resolve) => setTimeout(resolve, 50)), false),
      );
    }
    expect(up).toBe(true);
    const result = await runCli(['leaks', '--inspect', `127.0.0.1:${port}`, '--interval', '200ms', '--dir', join(tempDir(), 'series')], { timeoutMs: 60_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\nheapdiff: the process did not run between the snapshots heapdiff took into \S+ \(two of them hold the same objects\): is it paused in a debugger \(--inspect-brk\) or blocked\?/);
  });

  it('SIGUSR2 while a snapshot is written, or before the program is ready, does not end heapdiff: it takes the next snapshot', async () => {
    const work = tempDir();
    // A program that allocates all the time: two snapshots taken back to back still differ.
    const pidFile = join(work, 'app.pid');
    const app = join(work, 'busy.js');
    writeFileSync(app, `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));\nglobalThis.ballast = Array.from({ length: 20000 }, (_, i) => ({ i }));\nsetInterval(() => { globalThis.last = { at: Date.now() }; }, 2);\n`);
    const series = join(work, 'series');
    const child = spawn(process.execPath, [...TSX_ARGS, CLI_SOURCE, 'leaks', '--dir', series, '--', process.execPath, app], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    children.push(child);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    // One before the program is ready (kept: snapshot 1 is taken at once), one while snapshot 1
    // is written (kept for snapshot 2), then one at the prompt for snapshot 3.
    expect(await until(() => { try { return readFileSync(pidFile, 'utf8').length > 0; } catch { return false; } }, 30_000)).toBe(true);
    child.kill('SIGUSR2');
    expect(await until(() => /taking snapshot 1 of 3 for the SIGUSR2 that came meanwhile/.test(stderr), 30_000)).toBe(true);
    child.kill('SIGUSR2');
    expect(await until(() => /to take snapshot 3 of 3/.test(stderr), 30_000)).toBe(true);
    child.kill('SIGUSR2');
    expect([await closed, stderr]).toEqual([0, expect.stringMatching(/snapshot 2 of 3: /)]);
    expect(readdirSync(series).sort()).toEqual(['s0.heapsnapshot', 's1.heapsnapshot', 's2.heapsnapshot']);
    expect(await until(() => !alive(Number(readFileSync(pidFile, 'utf8'))), 3_000)).toBe(true);
  });

  it('a second SIGINT kills a started program that ignores SIGTERM', async () => {
    const work = tempDir();
    const pidFile = join(work, 'app.pid');
    const app = join(work, 'stubborn.js');
    writeFileSync(app, `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);\n`);
    const child = spawn(process.execPath, [...TSX_ARGS, CLI_SOURCE, 'snapshot', '-o', join(work, 'x.heapsnapshot'), '--', process.execPath, app], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(await until(() => { try { return readFileSync(pidFile, 'utf8').length > 0; } catch { return false; } }, 30_000)).toBe(true);
    child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    expect(await until(() => !alive(Number(readFileSync(pidFile, 'utf8'))), 3_000)).toBe(true);
  });

  it('--pid refuses heapdiff itself, a thread id, and --instances given twice', async () => {
    const own = spawnSync('sh', ['-c', `exec ${[process.execPath, ...TSX_ARGS, CLI_SOURCE].map((w) => `'${w}'`).join(' ')} snapshot --pid $$ -o ${join(tempDir(), 'self.heapsnapshot')}`], { encoding: 'utf8', timeout: 30_000 });
    expect(own.status).toBe(2);
    expect(own.stderr).toMatch(/^heapdiff: \d+ is heapdiff's own process: give the pid of the program to capture\n$/);
    const target = await start(process.execPath, ['-e', HOLDER]);
    const threads = readdirSync(`/proc/${target.pid}/task`).map(Number).filter((tid) => tid !== target.pid);
    const thread = await runCli(['snapshot', '--pid', String(threads[0]), '-o', join(tempDir(), 'x.heapsnapshot')]);
    expect(thread).toMatchObject({ code: 2, stderr: `heapdiff: ${threads[0]} is a thread of process ${target.pid}, not a process: pass --pid ${target.pid}\n` });
    const twice = await runCli(['summary', fixturePath(20), '--instances', 'Session', '--instances', 'Sesion']);
    expect(twice).toMatchObject({ code: 2, stderr: 'heapdiff: --instances takes one class: give it once (see "heapdiff --help")\n' });
  });
});

describe('7. signals: clean up and exit 128 + n', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s while the snapshot streams: no partial file, program stopped, exit %i', async (signal, code) => {
    const work = tempDir();
    const out = tempDir();
    const { app, pidFile } = pidProgram(work, 400_000);
    const streaming = (): boolean => readdirSync(out).some((name) => name.endsWith('.partial'));
    const result = await runCliAndSignal(['snapshot', '-o', join(out, 'x.heapsnapshot'), '--after', '100', '--', process.execPath, app], streaming, signal);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(new RegExp(`heapdiff: stopped by ${signal}; no snapshot written\\n$`));
    expect(readdirSync(out)).toEqual([]);
    expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
    expect(result.waitedMs).toBeLessThan(6_000);
  });

  it('SIGINT while tracking allocations in a running process: the process goes on, its inspector closed', async () => {
    const port = await freePort();
    const target = await start(process.execPath, [`--inspect-port=127.0.0.1:${port}`, '-e', HOLDER]);
    const out = tempDir();
    const result = await runCliAndSignal(
      ['snapshot', '--pid', String(target.pid), '--port', String(port), '--track-allocations', '-o', join(out, 'x.heapsnapshot')],
      (stderr) => stderr.includes('heapdiff: tracking allocations'),
      'SIGINT',
    );
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/heapdiff: stopped by SIGINT; no snapshot written\n$/);
    expect(readdirSync(out)).toEqual([]);
    expect(alive(target.pid!)).toBe(true);
    const closed = await fetch(`http://127.0.0.1:${port}/json/list`).then(
      () => false,
      () => true,
    );
    expect(closed).toBe(true);
  });

  it('heapdiff leaks: SIGTERM while waiting for the next snapshot keeps the complete ones and stops the program', async () => {
    const work = tempDir();
    const dir = join(tempDir(), 'series');
    const { app, pidFile } = pidProgram(work);
    const result = await runCliAndSignal(
      ['leaks', '--interval', '30s', '--dir', dir, '--', process.execPath, app],
      // Once the program has printed (its output comes on heapdiff's stderr), so that it is
      // not printed after heapdiff's last line on a loaded machine.
      (stderr) => stderr.includes('ready\n'),
      'SIGTERM',
    );
    expect(result.code).toBe(143);
    expect(result.stderr).toMatch(/^ready\nheapdiff: stopped by SIGTERM; 0 of 3 snapshots kept\n$/);
    expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });
});

describe('8. flags', () => {
  it.each([
    [['--after', 'abc'], 'heapdiff: --after takes a duration such as 30s, 500ms, 2m or 1h (a bare number is ms), got "abc"'],
    [['--after', '-1000'], 'heapdiff: --after takes a duration such as 30s, 500ms, 2m or 1h (a bare number is ms), got "-1000"'],
    [['--after', '3000000000'], 'heapdiff: --after can be at most 2147483647 ms (about 24 days), got "3000000000"'],
  ])('%j is refused', async (flags, message) => {
    const result = await runCli(['snapshot', '-o', join(tempDir(), 'x.heapsnapshot'), ...flags, '--', process.execPath, '-e', HOLDER]);
    expect(result).toMatchObject({ code: 2, stderr: `${message} (see "heapdiff --help")\n` });
  });

  it.each(['snapshot', 'leaks', 'ui'])('%s --pid 99999999999: one clear line', async (command) => {
    const result = await runCli([command, '--pid', '99999999999', ...(command === 'snapshot' ? ['-o', 'x.heapsnapshot'] : [])]);
    expect(result).toMatchObject({ code: 2, stderr: 'heapdiff: --pid takes a process id (a whole number from 1 to 2147483647), got 99999999999 (see "heapdiff --help")\n' });
  });

  it('--after works with --inspect: the capture waits', async () => {
    const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', '-e', HOLDER], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const port = await new Promise<number>((resolve) => {
      let text = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        text += d;
        const match = /ws:\/\/127\.0\.0\.1:(\d+)\//.exec(text);
        if (match) resolve(Number(match[1]));
      });
    });
    const started = Date.now();
    const file = join(tempDir(), 'later.heapsnapshot');
    const result = await runCli(['snapshot', '--inspect', `127.0.0.1:${port}`, '--after', '4s', '-o', file]);
    expect(result.code).toBe(0);
    // Ignored before: the capture came at once (about 2 s with start-up here).
    expect(Date.now() - started).toBeGreaterThanOrEqual(4000);
  });

  it('--port and --keep-inspector go with --pid', async () => {
    expect(await runCli(['snapshot', '--inspect', '127.0.0.1:9229', '--port', '9230', '-o', 'x.heapsnapshot'])).toMatchObject({ code: 2, stderr: 'heapdiff: --port goes with --pid (with --inspect, give HOST:PORT) (see "heapdiff --help")\n' });
    expect(await runCli(['snapshot', '--inspect', '127.0.0.1:9229', '--keep-inspector', '-o', 'x.heapsnapshot'])).toMatchObject({
      code: 2,
      stderr: 'heapdiff: --keep-inspector goes with --pid (heapdiff closes only an inspector it opened) (see "heapdiff --help")\n',
    });
  });
});
