import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inputBytes, wantsHugePages, type HugePagesFacts } from '../../packages/cli/src/huge-pages.js';
import { tempDir } from '../helpers/fixtures.js';
import { writeSeries } from '../helpers/snapshot-series.js';

const HEAPDIFF = fileURLToPath(new URL('../../packages/cli/bin/heapdiff.js', import.meta.url));
const THP = existsSync('/sys/kernel/mm/transparent_hugepage/enabled') ? readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8') : '';
/** Whether the built CLI relaunches here when asked (Linux with huge pages on request, glibc). */
const canRelaunch = process.platform === 'linux' && THP.includes('[madvise]') && Boolean((process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime);

const facts = (over: Partial<HugePagesFacts>): HugePagesFacts => ({
  platform: 'linux',
  setting: undefined,
  tunables: undefined,
  thpMode: 'always [madvise] never',
  inputBytes: 300e6,
  debugging: false,
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
  it('relaunches only on Linux with huge pages on request, tunables not set, and 100 MB of input or HEAPDIFF_HUGE_PAGES=on', () => {
    expect(wantsHugePages(facts({}))).toBe(true);
    expect(wantsHugePages(facts({ inputBytes: 99e6 }))).toBe(false);
    expect(wantsHugePages(facts({ inputBytes: 0, setting: 'on' }))).toBe(true);
    expect(wantsHugePages(facts({ setting: 'off' }))).toBe(false);
    expect(wantsHugePages(facts({ setting: '0' }))).toBe(false);
    expect(wantsHugePages(facts({ platform: 'darwin' }))).toBe(false);
    expect(wantsHugePages(facts({ debugging: true, setting: 'on' }))).toBe(false);
    // [always]: big allocations get huge pages already; [never]: none would.
    expect(wantsHugePages(facts({ thpMode: '[always] madvise never' }))).toBe(false);
    expect(wantsHugePages(facts({ thpMode: 'always madvise [never]' }))).toBe(false);
    expect(wantsHugePages(facts({ thpMode: undefined }))).toBe(false);
    expect(wantsHugePages(facts({ tunables: 'glibc.malloc.hugetlb=0' }))).toBe(false);
    expect(wantsHugePages(facts({ tunables: 'glibc.malloc.tcache_count=0' }))).toBe(true);
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
    expect(inputBytes(['summary', join(dir, 'missing.heapsnapshot'), dir, '-'])).toBe(0);
  });

  it.skipIf(!canRelaunch)('a relaunched command gets the tunable, prints and exits as before, and programs it starts get the user\'s environment', () => {
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

    // A program heapdiff starts (here to snapshot it) sees GLIBC_TUNABLES as the user set it.
    const out = join(dir, 'program.heapsnapshot');
    const captured = spawnSync(process.execPath, [HEAPDIFF, 'snapshot', '-o', out, '--after', '200ms', '--', process.execPath, '-e', 'setInterval(() => {}, 1000)'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: probe.nodeOptions, HEAPDIFF_HUGE_PAGES: 'on', GLIBC_TUNABLES: 'glibc.malloc.tcache_count=7' },
      timeout: 30_000,
    });
    expect(captured.status, captured.stderr).toBe(0);
    const records = probe.records().slice(3);
    expect(records.map((r) => r.tunables)).toEqual(['glibc.malloc.tcache_count=7', 'glibc.malloc.tcache_count=7:glibc.malloc.hugetlb=1', 'glibc.malloc.tcache_count=7']);
    expect(records[2]!.ppid).toBe(records[1]!.pid);
  }, 60_000);

  it.skipIf(!canRelaunch)('SIGTERM to the relaunching process reaches the command: it stops its program and both end as SIGTERM ends them', async () => {
    const dir = tempDir('heapdiff-huge-');
    const probe = envProbe(dir);
    const heapdiff = spawn(process.execPath, [HEAPDIFF, 'snapshot', '-o', join(dir, 'late.heapsnapshot'), '--after', '60s', '--', process.execPath, '-e', 'setInterval(() => {}, 1000)'], {
      env: { ...process.env, NODE_OPTIONS: probe.nodeOptions, HEAPDIFF_HUGE_PAGES: 'on' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    heapdiff.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // Parent, relaunched command, its program: all three started.
    const deadline = Date.now() + 20_000;
    while (!existsSync(join(dir, 'probe.txt')) || probe.records().length < 3) {
      if (Date.now() > deadline) throw new Error(`the program did not start; stderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 500));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => heapdiff.on('close', (code, signal) => resolve({ code, signal })));
    heapdiff.kill('SIGTERM');
    const end = await ended;
    expect(end.code === 143 || end.signal === 'SIGTERM', JSON.stringify(end)).toBe(true);
    for (const { pid } of probe.records()) expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  }, 40_000);
});
