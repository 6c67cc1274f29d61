import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hugePagesSetting, inputBytes, wantsHugePages, type HugePagesFacts } from '../../packages/cli/src/huge-pages.js';
import { tempDir } from '../helpers/fixtures.js';
import { writeSeries } from '../helpers/snapshot-series.js';

const HEAPDIFF = fileURLToPath(new URL('../../packages/cli/bin/heapdiff.js', import.meta.url));
const THP = existsSync('/sys/kernel/mm/transparent_hugepage/enabled') ? readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8') : '';
/** Whether the built CLI relaunches here when asked (Linux with huge pages on request, glibc). */
const canRelaunch = process.platform === 'linux' && THP.includes('[madvise]') && Boolean((process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime);

const facts = (over: Partial<HugePagesFacts>): HugePagesFacts => ({
  platform: 'linux',
  setting: 'auto',
  tunables: undefined,
  thpMode: 'always [madvise] never',
  argv: ['leaks', 's0.heapsnapshot', 's1.heapsnapshot', 's2.heapsnapshot'],
  inputBytes: 500e6,
  observed: false,
  ipc: false,
  ...over,
});

/**
 * A preload (for NODE_OPTIONS, so that every Node process gets it) that appends each process's
 * pid, parent pid and GLIBC_TUNABLES as the process got it (`-` when unset) to a file.
 */
function envProbe(dir: string): { nodeOptions: string; records: () => { pid: number; ppid: number; tunables: string }[] } {
  const file = join(dir, 'probe.txt');
  const preload = join(dir, 'probe.mjs');
  writeFileSync(preload, `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(file)}, \`\${process.pid} \${process.ppid} \${process.env.GLIBC_TUNABLES ?? '-'}\\n\`);\n`);
  return {
    nodeOptions: `--import=${preload}`,
    records: () =>
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => {
          const [pid, ppid, tunables] = line.split(' ');
          return { pid: Number(pid), ppid: Number(ppid), tunables: tunables! };
        }),
  };
}

describe('huge pages for big inputs (bin/heapdiff.js relaunches itself)', () => {
  it('relaunches only a loading command on Linux with huge pages on request, unobserved, and 400 MB of input or HEAPDIFF_HUGE_PAGES=on', () => {
    expect(wantsHugePages(facts({}))).toBe(true);
    expect(wantsHugePages(facts({ inputBytes: 399e6 }))).toBe(false);
    expect(wantsHugePages(facts({ inputBytes: 0, setting: 'on' }))).toBe(true);
    expect(wantsHugePages(facts({ setting: 'off' }))).toBe(false);
    expect(wantsHugePages(facts({ platform: 'darwin' }))).toBe(false);
    // Debugged or profiled, or talked to over IPC: the process stays as it is.
    expect(wantsHugePages(facts({ observed: true, setting: 'on' }))).toBe(false);
    expect(wantsHugePages(facts({ ipc: true, setting: 'on' }))).toBe(false);
    // [always]: big allocations get huge pages already; [never]: none would.
    expect(wantsHugePages(facts({ thpMode: '[always] madvise never' }))).toBe(false);
    expect(wantsHugePages(facts({ thpMode: 'always madvise [never]' }))).toBe(false);
    expect(wantsHugePages(facts({ thpMode: undefined }))).toBe(false);
    expect(wantsHugePages(facts({ tunables: 'glibc.malloc.hugetlb=0' }))).toBe(false);
    expect(wantsHugePages(facts({ tunables: 'glibc.malloc.tcache_count=0' }))).toBe(true);
    // Captures (a second Ctrl-C would stop their program the hard way), help, other commands.
    for (const argv of [['snapshot', '-o', 'big.heapsnapshot', '--force'], ['leaks', '--pid', '42'], ['ui', '--inspect=127.0.0.1:9229'], ['leaks', '--', 'node', 'big.heapsnapshot'], ['summary', 'big.heapsnapshot', '--help'], ['--version']]) {
      expect(wantsHugePages(facts({ argv, setting: 'on' })), argv.join(' ')).toBe(false);
    }
    expect(wantsHugePages(facts({ argv: ['--json', 'diff', 'a.heapsnapshot', 'b.heapsnapshot'] }))).toBe(true);
  });

  it('HEAPDIFF_HUGE_PAGES: auto, on or off, in the usual spellings; anything else is refused with what it takes', () => {
    expect([undefined, '', 'auto', ' AUTO '].map(hugePagesSetting)).toEqual(['auto', 'auto', 'auto', 'auto']);
    expect(['on', '1', 'true', 'yes', 'always'].map(hugePagesSetting)).toEqual(Array(5).fill('on'));
    expect(['off', '0', 'false', 'no', 'never', ' Off'].map(hugePagesSetting)).toEqual(Array(6).fill('off'));
    expect(String(hugePagesSetting('disabled'))).toBe('Error: HEAPDIFF_HUGE_PAGES="disabled" is not a setting: use auto (the default), on or off');
    const run = (...args: string[]) => spawnSync(process.execPath, [HEAPDIFF, ...args], { encoding: 'utf8', env: { ...process.env, HEAPDIFF_HUGE_PAGES: 'disabled' } });
    const summary = run('summary', 'x.heapsnapshot');
    expect([summary.status, summary.stdout, summary.stderr]).toEqual([2, '', 'heapdiff: HEAPDIFF_HUGE_PAGES="disabled" is not a setting: use auto (the default), on or off\n']);
    // Commands that never load files do not read it.
    expect(run('--version').status).toBe(0);
  });

  it('counts the files the command names, gzip ones at their loaded size, none after --', () => {
    const dir = tempDir('heapdiff-huge-');
    const big = join(dir, 'big.heapsnapshot');
    const gz = join(dir, 'small.heapsnapshot.gz');
    writeFileSync(big, '');
    truncateSync(big, 60e6);
    writeFileSync(gz, '');
    truncateSync(gz, 10e6);
    expect(inputBytes(['leaks', big, gz, '--min-count', '5', '--json'])).toBe(110e6);
    expect(inputBytes(['snapshot', '--', 'node', big])).toBe(0);
    expect(inputBytes(['summary', join(dir, 'missing.heapsnapshot'), tempDir('heapdiff-huge-'), '-'])).toBe(0);
    // Names the system refuses to look at (the command says what is wrong with them).
    expect(inputBytes(['leaks', join(big, 'x'), 'x'.repeat(5000), big])).toBe(60e6);
    // A directory: the snapshots in it.
    writeFileSync(join(dir, 'notes.txt'), 'not a snapshot');
    expect(inputBytes(['leaks', dir])).toBe(110e6);
  });

  it.skipIf(!canRelaunch)('a relaunched command gets the tunable (the user\'s kept), prints and exits as before', () => {
    const dir = tempDir('heapdiff-huge-');
    const probe = envProbe(dir);
    const series = writeSeries('owner-children');
    const run = (setting: string) =>
      spawnSync(process.execPath, [HEAPDIFF, 'leaks', ...series, '--json'], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: probe.nodeOptions, HEAPDIFF_HUGE_PAGES: setting, GLIBC_TUNABLES: 'glibc.malloc.tcache_count=7' },
        timeout: 30_000,
      });
    const direct = run('off');
    expect(probe.records()).toHaveLength(1);
    const relaunched = run('on');
    expect(relaunched.stderr).toBe('');
    expect(relaunched.status).toBe(1);
    expect(JSON.parse(relaunched.stdout).leaks).toEqual(JSON.parse(direct.stdout).leaks);
    const [, parent, child] = probe.records();
    expect(parent!.tunables).toBe('glibc.malloc.tcache_count=7');
    expect(child).toMatchObject({ ppid: parent!.pid, tunables: 'glibc.malloc.tcache_count=7:glibc.malloc.hugetlb=1' });
  }, 60_000);

  /** `heapdiff summary -` relaunched, reading a pipe that never ends; resolves once both processes run. */
  async function waitingOnStdin(dir: string) {
    const probe = envProbe(dir);
    const heapdiff = spawn(process.execPath, [HEAPDIFF, 'summary', '-'], {
      env: { ...process.env, NODE_OPTIONS: probe.nodeOptions, HEAPDIFF_HUGE_PAGES: 'on' },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    heapdiff.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => heapdiff.on('close', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + 20_000;
    while (!existsSync(join(dir, 'probe.txt')) || probe.records().length < 2) {
      if (Date.now() > deadline) throw new Error(`heapdiff did not relaunch; stderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 300));
    const [parent, child] = probe.records();
    return { heapdiff, ended, parent: parent!.pid, child: child!.pid };
  }
  const gone = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  };

  it.skipIf(!canRelaunch)('SIGTERM to the first process ends the relaunched one, and the first ends as SIGTERM ends it', async () => {
    const { heapdiff, ended, child } = await waitingOnStdin(tempDir('heapdiff-huge-'));
    heapdiff.kill('SIGTERM');
    expect(await ended).toEqual({ code: null, signal: 'SIGTERM' });
    expect(gone(child)).toBe(true);
  }, 40_000);

  it.skipIf(!canRelaunch)('SIGKILL to the first process (it cannot pass it on): the relaunched one ends by itself within seconds', async () => {
    const { heapdiff, ended, child } = await waitingOnStdin(tempDir('heapdiff-huge-'));
    heapdiff.kill('SIGKILL');
    await ended;
    const deadline = Date.now() + 5_000;
    while (!gone(child) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(gone(child)).toBe(true);
    heapdiff.stdin!.destroy();
  }, 40_000);
});
