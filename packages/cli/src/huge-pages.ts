import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';

/**
 * Big inputs on Linux: heapdiff runs itself again with glibc's allocator asking for
 * transparent huge pages (`GLIBC_TUNABLES=glibc.malloc.hugetlb=1`). A load writes its arrays
 * into fresh memory, which the kernel zeroes and maps one page at a time on first touch; on a
 * virtual machine each 4 KiB fault is slow, and 2 MiB pages take 1/512 of the faults (measured
 * on this project's 2-core VM: `heapdiff leaks` over three 740 MB snapshots 12.6 s → 9.6 s,
 * `summary` of a 150 MB one 2.1 s → 1.9 s, with the start of a second process included). Glibc
 * reads its tunables only when a process starts, hence the second process; below
 * `MIN_INPUT_BYTES` it costs more (~0.14 s) than it saves.
 *
 * `HEAPDIFF_HUGE_PAGES=off` never relaunches, `on` relaunches whatever the input size (where
 * the kernel offers huge pages on request); the default is `auto`. A process started with
 * `--inspect` is never relaunched: the debugger would not follow.
 */
const MIN_INPUT_BYTES = 100_000_000;
/** Gzip-compressed snapshots load into about this many times their size. */
const GZIP_FACTOR = 5;
const TUNABLE = 'glibc.malloc.hugetlb=1';
/** In the relaunched process: GLIBC_TUNABLES as the user had it ('' when unset), to restore. */
const RELAUNCHED = 'HEAPDIFF_RELAUNCHED_TUNABLES';
/** Signals passed on to the relaunched process. Ctrl-C and Ctrl-\ reach both from the terminal: twice is harmless. */
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

export interface HugePagesFacts {
  platform: NodeJS.Platform;
  /** HEAPDIFF_HUGE_PAGES. */
  setting: string | undefined;
  /** GLIBC_TUNABLES as set now. */
  tunables: string | undefined;
  /** /sys/kernel/mm/transparent_hugepage/enabled, e.g. "always [madvise] never"; undefined if absent. */
  thpMode: string | undefined;
  /** What the command reads: the sizes of the files it names (see `inputBytes`). */
  inputBytes: number;
  /** Started with --inspect or --inspect-brk: the debugger stays on this process. */
  debugging: boolean;
}

/**
 * Whether a relaunch would help: on Linux, when the kernel gives huge pages only to memory that
 * asks for them (`[madvise]`: with `[always]` every big allocation gets them already, with
 * `[never]` none does), glibc is not asked yet, and the input is big (or the user says `on`).
 */
export function wantsHugePages(facts: HugePagesFacts): boolean {
  const setting = (facts.setting ?? 'auto').toLowerCase();
  if (setting === 'off' || setting === '0' || setting === 'false') return false;
  if (facts.platform !== 'linux' || !facts.thpMode?.includes('[madvise]') || facts.debugging) return false;
  if (facts.tunables?.includes('glibc.malloc.hugetlb')) return false;
  return setting === 'on' || setting === '1' || setting === 'true' || facts.inputBytes >= MIN_INPUT_BYTES;
}

/**
 * Bytes the command's arguments name as files (up to a `--`, after which comes a program to run),
 * gzip files counted at their loaded size. Arguments that are not files count nothing.
 */
export function inputBytes(argv: readonly string[]): number {
  let total = 0;
  for (const arg of argv) {
    if (arg === '--') break;
    if (arg.startsWith('-')) continue;
    const stat = statSync(arg, { throwIfNoEntry: false });
    if (stat?.isFile()) total += stat.size * (/\.gz$/i.test(arg) ? GZIP_FACTOR : 1);
  }
  return total;
}

/**
 * Called first by bin/heapdiff.js. In a process this function started, puts GLIBC_TUNABLES back
 * as the user had it (programs heapdiff starts inherit the user's environment) and returns false:
 * run the command here. Otherwise, when huge pages would help (see `wantsHugePages`), starts the
 * same command in a new Node process with them, on the same terminal, passes signals and IPC
 * messages on, ends with its exit code or signal, and returns true: run nothing here. When that
 * process cannot be started, returns false.
 */
export function relaunchWithHugePages(argv: readonly string[]): boolean {
  const env = process.env;
  const before = env[RELAUNCHED];
  if (before !== undefined) {
    delete env[RELAUNCHED];
    if (before === '') delete env['GLIBC_TUNABLES'];
    else env['GLIBC_TUNABLES'] = before;
    return false;
  }
  const facts: HugePagesFacts = {
    platform: process.platform,
    setting: env['HEAPDIFF_HUGE_PAGES'],
    tunables: env['GLIBC_TUNABLES'],
    thpMode: process.platform === 'linux' ? readOptional('/sys/kernel/mm/transparent_hugepage/enabled') : undefined,
    inputBytes: 0,
    debugging: process.execArgv.some((arg) => arg.startsWith('--inspect')),
  };
  // Cheap checks first: the sizes only when everything else says yes.
  if (!wantsHugePages({ ...facts, inputBytes: Number.POSITIVE_INFINITY })) return false;
  if (!wantsHugePages({ ...facts, inputBytes: inputBytes(argv) })) return false;
  // musl and other C libraries have no such tunable: a second process would gain nothing.
  if (!(process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime) return false;
  const tunables = facts.tunables ? `${facts.tunables}:${TUNABLE}` : TUNABLE;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: process.send ? ['inherit', 'inherit', 'inherit', 'ipc'] : 'inherit',
    env: { ...env, GLIBC_TUNABLES: tunables, [RELAUNCHED]: facts.tunables ?? '' },
  });
  if (child.pid === undefined) {
    child.on('error', () => {});
    return false;
  }
  const forward = (signal: NodeJS.Signals): void => {
    try {
      child.kill(signal);
    } catch {
      // It has ended meanwhile: its exit ends this process too.
    }
  };
  for (const signal of FORWARDED) process.on(signal, forward);
  if (process.send) {
    child.on('message', (message) => process.send?.(message as never));
    process.on('message', (message) => child.send(message as never));
  }
  child.on('close', (code, signal) => {
    for (const s of FORWARDED) process.off(s, forward);
    process.removeAllListeners('message');
    process.channel?.unref();
    if (signal) {
      // The same end as the child's, as a shell or CI sees it (130 for Ctrl-C, …).
      process.kill(process.pid, signal);
      // Kept alive until the signal arrives.
      setTimeout(() => {}, 1000);
    } else {
      process.exitCode = code ?? 0;
    }
  });
  return true;
}

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
