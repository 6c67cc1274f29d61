import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { classKeys, parseSnapshot, summarizeClasses, topAllocationStacks } from '@heapdiff/core';
import { tempDir } from '../helpers/fixtures.js';
import { freePort } from '../helpers/ports.js';
import { runCli } from '../helpers/run-cli.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A Node process holding 1,000 RemoteFoo objects, with its inspector on a free loopback port. */
function startTarget(
  extraArgs: string[] = ['--inspect=127.0.0.1:0'],
  ballast = 0,
  program = `class RemoteFoo {}; globalThis.k = Array.from({ length: 1000 }, () => new RemoteFoo());
    globalThis.ballast = Array.from({ length: ${ballast} }, (_, i) => ({ i, s: 'x' + i })); console.log("ready"); setInterval(() => {}, 1000);`,
): Promise<{ child: ChildProcess; port: number | undefined }> {
  const child = spawn(process.execPath, [...extraArgs, '-e', program], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let stderr = '';
    let ready = false;
    let port: number | undefined;
    const check = () => {
      const match = /ws:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr);
      if (match) port = Number(match[1]);
      if (ready && (port !== undefined || !extraArgs.some((a) => a.startsWith('--inspect=')))) resolve({ child, port });
    };
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      check();
    });
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      if (d.includes('ready')) ready = true;
      check();
    });
    child.on('error', reject);
  });
}

const fooCount = async (file: string) => summarizeClasses(await parseSnapshot(file)).rows.find((r) => r.className === 'RemoteFoo')?.count;

/** The RemoteFoo objects of a snapshot, and their allocation stacks ("count function:line ← …"). */
async function fooStacks(file: string): Promise<{ count: number; stacks: string[] }> {
  const graph = await parseSnapshot(file);
  const foos: number[] = [];
  for (let n = 0; n < graph.nodeCount; n++) if (graph.className(n) === 'RemoteFoo') foos.push(n);
  const stacks = foos.length === 0 ? [] : (topAllocationStacks(graph, foos).get(classKeys(graph).keyOf[foos[0]!]!) ?? []);
  return { count: foos.length, stacks: stacks.map((s) => `${s.count} ${s.frames.slice(0, 2).map((f) => `${f.functionName}:${f.line}`).join(' ← ')}`) };
}

// Allocates RemoteFoo objects in a named function, and churns so that collections run (and
// would compact the heap) while allocations are tracked.
const trackedApp = (calls: string) => `class RemoteFoo { constructor(i) { this.i = i; } }
globalThis.k = [];
function makeRemoteFoos(count) {
  for (let i = 0; i < count; i++) globalThis.k.push(new RemoteFoo(i));
}
${calls}
let junk = [];
setInterval(() => { junk = Array.from({ length: 20000 }, (_, i) => ({ i })); }, 20);
console.log("ready");
`;

describe('heapdiff snapshot (another process, through its inspector)', () => {
  it('--inspect HOST:PORT writes a snapshot with the process\'s objects', async () => {
    const { port } = await startTarget();
    const file = join(tempDir(), 'remote.heapsnapshot');
    const result = await runCli(['snapshot', '--inspect', `127.0.0.1:${port}`, '-o', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${file} \\(\\d+\\.\\d+ MB\\)\\n$`));
    expect(await fooCount(file)).toBe(1000);
  });

  it('--pid turns the inspector of a running process on and snapshots it', async () => {
    const port = await freePort();
    const { child } = await startTarget([`--inspect-port=127.0.0.1:${port}`]);
    const file = join(tempDir(), 'pid.heapsnapshot');
    const result = await runCli(['snapshot', '--pid', String(child.pid), '--port', String(port), '-o', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await fooCount(file)).toBe(1000);
  });

  it('separate --pid snapshots of one process do not compare (V8 numbers objects anew when the session ends): diff says why and what to run instead', async () => {
    const port = await freePort();
    const { child } = await startTarget([`--inspect-port=127.0.0.1:${port}`], 5000);
    const dir = tempDir();
    for (const name of ['a', 'b']) {
      const result = await runCli(['snapshot', '--pid', String(child.pid), '--port', String(port), '-o', join(dir, `${name}.heapsnapshot`)]);
      expect(result.code).toBe(0);
    }
    const diff = await runCli(['diff', join(dir, 'a.heapsnapshot'), join(dir, 'b.heapsnapshot')]);
    expect(diff.code).toBe(2);
    expect(diff.stderr).toMatch(/heap profiler was reset between them: V8 numbers objects anew whenever the inspector session that took a snapshot ends \(each `heapdiff snapshot --pid` run.*`heapdiff leaks --pid PID`.*v8\.writeHeapSnapshot\(\)\n$/);
  });

  it('--pid with --track-allocations records what the process allocates until the capture', async () => {
    const port = await freePort();
    const { child } = await startTarget([`--inspect-port=127.0.0.1:${port}`], 0, trackedApp('setInterval(() => makeRemoteFoos(10), 25);'));
    const file = join(tempDir(), 'pid-tracked.heapsnapshot');
    const result = await runCli(['snapshot', '--pid', String(child.pid), '--port', String(port), '--track-allocations', '--after', '1500', '-o', file]);
    expect(result.code).toBe(0);
    const { count, stacks } = await fooStacks(file);
    // Objects from before the tracking have no stack; all the others were made by makeRemoteFoos
    // in the interval's callback: about 10 every 25 ms for 1.5 s (allocation is slow meanwhile).
    expect(stacks).toHaveLength(1);
    expect(stacks[0]).toMatch(/^\d+ makeRemoteFoos:3 ← \(anonymous\):6$/);
    const tracked = Number(stacks[0]!.split(' ')[0]);
    expect(tracked).toBeGreaterThan(100);
    expect(tracked).toBeLessThan(count);
    // Tracking ended with the snapshot: the process goes on.
    expect(child.exitCode).toBe(null);
  });

  it.each([
    [['snapshot', '--pid', '999999', '-o', 'x.heapsnapshot'], /^heapdiff: no process with pid 999999\n$/],
    [['snapshot', '--inspect', '127.0.0.1:1', '-o', 'x.heapsnapshot'], /^heapdiff: nothing listens on 127\.0\.0\.1:1: is the process running with --inspect\?\n$/],
    [['snapshot', '--inspect', '[::1]:1', '-o', 'x.heapsnapshot'], /^heapdiff: nothing listens on \[::1\]:1: is the process running with --inspect\?\n$/],
    [['snapshot', '--inspect', '10.0.0.1:9229', '-o', 'x.heapsnapshot'], /^heapdiff: 10\.0\.0\.1 is not a loopback address.*--allow-remote/],
    [['snapshot', '-o', 'x.heapsnapshot'], /^heapdiff: give exactly one of --inspect HOST:PORT, --pid PID, or -- node app.js/],
    [['snapshot', '--inspect', 'nope', '-o', 'x.heapsnapshot'], /^heapdiff: --inspect takes HOST:PORT/],
  ])('exits 2 with one clear line for %j', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('removes the partial file when the process dies midway', async () => {
    // A heap big enough that its snapshot streams for a few seconds; killed once data flows.
    const { child, port } = await startTarget(['--inspect=127.0.0.1:0'], 400_000);
    const dir = tempDir();
    const file = join(dir, 'partial.heapsnapshot');
    const run = runCli(['snapshot', '--inspect', `127.0.0.1:${port}`, '-o', file]);
    const started = Date.now();
    // Written under a temporary name beside the file.
    const writing = () => readdirSync(dir).some((name) => name.startsWith('.partial.heapsnapshot.') && statSync(join(dir, name)).size > 0);
    while (!writing() && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGKILL');
    const result = await run;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^heapdiff: the inspector connection (closed before the snapshot was complete|failed)/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('heapdiff snapshot -- node app.js', () => {
  it('starts the program with its inspector, snapshots it after --after ms, and stops it', async () => {
    const dir = tempDir();
    const app = join(dir, 'app.js');
    writeFileSync(app, 'class RemoteFoo {}\nglobalThis.k = Array.from({ length: 1000 }, () => new RemoteFoo());\nconsole.error("app says hi");\nsetInterval(() => {}, 1000);\n');
    const file = join(dir, 'started.heapsnapshot');
    const result = await runCli(['snapshot', '-o', file, '--after', '400', '--', process.execPath, app]);
    expect(result.code).toBe(0);
    // The program's own stderr passes through; the inspector's announcements do not.
    expect(result.stderr).toBe('app says hi\n');
    expect(await fooCount(file)).toBe(1000);
  });

  it('--track-allocations tracks from the first line: every object has the stack that allocated it', async () => {
    const dir = tempDir();
    const app = join(dir, 'tracked.js');
    writeFileSync(app, trackedApp('makeRemoteFoos(1000);'));
    const file = join(dir, 'tracked.heapsnapshot');
    const result = await runCli(['snapshot', '-o', file, '--track-allocations', '--after', '1500', '--', process.execPath, app]);
    expect(result.code).toBe(0);
    // The program's own output ('ready') goes to stderr too: stdout is heapdiff's.
    expect(result.stderr).toMatch(/^heapdiff: tracking allocations in the process at 127\.0\.0\.1:\d+\n(ready\n)?$/);
    // makeRemoteFoos starts on line 3; V8 names the module code (anonymous), from line 1.
    expect(await fooStacks(file)).toEqual({ count: 1000, stacks: ['1000 makeRemoteFoos:3 ← (anonymous):1'] });
    // heapdiff inspect shows one object's stack.
    const graph = await parseSnapshot(file);
    let foo = 0;
    while (graph.className(foo) !== 'RemoteFoo') foo++;
    const inspected = await runCli(['inspect', file, `@${graph.nodeId(foo)}`]);
    expect(inspected.stdout).toContain(`Allocated at (innermost first)\n  makeRemoteFoos (${app}:3:`);
  });

  it('says so when the program exits first', async () => {
    const result = await runCli(['snapshot', '-o', join(tempDir(), 'x.heapsnapshot'), '--after', '2000', '--', process.execPath, '-e', 'process.exit(3)']);
    expect(result).toMatchObject({ code: 2, stderr: 'heapdiff: the program exited (code 3) before the snapshot was taken\n' });
  });
});
