import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { snapshotsIn } from './snapshot-names.js';

/**
 * Big inputs on Linux: heapdiff runs itself again with glibc's allocator asking for
 * transparent huge pages (`GLIBC_TUNABLES=glibc.malloc.hugetlb=1`). A load writes its arrays
 * into fresh memory, which the kernel zeroes and maps one page at a time on first touch; on a
 * virtual machine each 4 KiB fault is slow, and 2 MiB pages take 1/512 of the faults (measured
 * on this project's 2-core VM: `heapdiff leaks` over three 740 MB snapshots 12.3–14.7 s →
 * 10.6–12.8 s, `summary` of a 150 MB one ~0.15 s less, the start of a second process
 * included). Glibc reads its tunables only when a process starts, hence the second process,
 * which costs a Node start-up and more (~0.1–0.15 s) whatever the input. Below
 * `MIN_INPUT_BYTES` that is more than huge pages save where faults are cheap (another VM of
 * this project's kind, first touches at 1–2 GB/s: `summary` of the 150 MB file 1.72 s without,
 * 1.85 s with, medians of 8 alternating runs; `leaks` over 3 × 740 MB no faster either).
 *
 * Only the commands that read snapshot files relaunch (not `snapshot`, nor a capture: `--`,
 * `--pid`, `--inspect`), and not when heapdiff is debugged or profiled, nor when a program
 * talks to it over an IPC channel (its serialisation cannot be known to pass messages on).
 * `HEAPDIFF_HUGE_PAGES=off` never relaunches, `on` relaunches whatever the input size (where
 * the kernel offers huge pages on request); the default is `auto`.
 */
const MIN_INPUT_BYTES = 400_000_000;
/** Gzip-compressed snapshots load into about this many times their size. */
const GZIP_FACTOR = 5;
const TUNABLE = 'glibc.malloc.hugetlb=1';
/** In the relaunched process: GLIBC_TUNABLES as the user had it (`=value`, or `unset`), to restore. */
const RELAUNCHED = 'HEAPDIFF_RELAUNCHED_TUNABLES';
/** In the relaunched process: the pid of the process that started it. */
const RELAUNCHED_BY = 'HEAPDIFF_RELAUNCHED_BY';
/** The commands that load snapshot files. */
const LOADING_COMMANDS = new Set(['summary', 'diff', 'leaks', 'inspect', 'ui']);
/** Arguments that make a loading command capture, or print help, instead. */
const NOT_LOADING = new Set(['--', '--pid', '--inspect', '--help', '-h', '--version']);
/** Node flags under which the process itself is being looked at: the tools would not follow. */
const OBSERVED = /(^|\s)--(inspect|inspect-brk|inspect-wait|cpu-prof|heap-prof|prof)(\s|=|$)/;
/**
 * Signals passed on to the relaunched process. Ctrl-C, Ctrl-\ and `fg` reach both from the
 * terminal: the loading commands take a second one like the first. SIGTSTP is passed on only
 * when the relaunched process has not had it (see `stopWith`).
 */
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGTSTP', 'SIGCONT'];
/** How often the relaunched process checks that its parent is still there (a SIGKILL'd parent forwards nothing). */
const PARENT_CHECK_MS = 250;
/** How long the first process waits for the second to stop on SIGTSTP before it stops too (or not, when it does not). */
const STOP_WAIT_MS = 2000;
/** On SIGTSTP, how long the second process has to stop on its own (it had the signal too) before it is sent one. */
const GRACE_MS = 50;
/** A timer this much later than due means this process was stopped meanwhile. */
const LATE_MS = 250;

export type HugePagesSetting = 'auto' | 'on' | 'off';

export interface HugePagesFacts {
  platform: NodeJS.Platform;
  setting: HugePagesSetting;
  /** GLIBC_TUNABLES as set now. */
  tunables: string | undefined;
  /** /sys/kernel/mm/transparent_hugepage/enabled, e.g. "always [madvise] never"; undefined if absent. */
  thpMode: string | undefined;
  /** The command line after `heapdiff`. */
  argv: readonly string[];
  /** What the command reads: the sizes of the files it names (see `inputBytes`). */
  inputBytes: number;
  /** Started with --inspect, --cpu-prof and the like (on the command line or in NODE_OPTIONS). */
  observed: boolean;
  /** A program talks to this process over an IPC channel (`process.send`). */
  ipc: boolean;
}

/** HEAPDIFF_HUGE_PAGES read, or an Error saying what it takes. */
export function hugePagesSetting(value: string | undefined): HugePagesSetting | Error {
  const text = (value ?? '').trim().toLowerCase();
  if (text === '' || text === 'auto') return 'auto';
  if (['on', '1', 'true', 'yes', 'always'].includes(text)) return 'on';
  if (['off', '0', 'false', 'no', 'never'].includes(text)) return 'off';
  return new Error(`HEAPDIFF_HUGE_PAGES=${JSON.stringify(value)} is not a setting: use auto (the default), on or off`);
}

/**
 * Whether a relaunch would help and do no harm: a loading command (see above) on Linux, when the
 * kernel gives huge pages only to memory that asks for them (`[madvise]`: with `[always]` every
 * big allocation gets them already, with `[never]` none does), glibc is not asked yet, nobody
 * debugs or talks to this process, and the input is big (or the setting is `on`).
 */
export function wantsHugePages(facts: HugePagesFacts): boolean {
  if (facts.setting === 'off' || facts.observed || facts.ipc) return false;
  if (facts.platform !== 'linux' || !facts.thpMode?.includes('[madvise]')) return false;
  if (facts.tunables?.includes('glibc.malloc.hugetlb') || !loadsFiles(facts.argv)) return false;
  return facts.setting === 'on' || facts.inputBytes >= MIN_INPUT_BYTES;
}

/** Whether the command line runs a command that loads snapshot files (not a capture, not help). */
function loadsFiles(argv: readonly string[]): boolean {
  const command = argv.find((arg) => !arg.startsWith('-'));
  return command !== undefined && LOADING_COMMANDS.has(command) && !argv.some((arg) => NOT_LOADING.has(arg.split('=')[0]!));
}

function loadedSize(name: string, bytes: number): number {
  return bytes * (/\.gz$/i.test(name) ? GZIP_FACTOR : 1);
}

/**
 * Bytes the command's arguments name as files or directories of snapshots (up to a `--`, after which comes a program to
 * run), gzip files counted at their loaded size. Arguments that are not files, or that cannot
 * be looked at (no permission, a loop of links, too long a name), count nothing: the command
 * itself says what is wrong with them.
 */
export function inputBytes(argv: readonly string[]): number {
  let total = 0;
  for (const arg of argv) {
    if (arg === '--') break;
    if (arg.startsWith('-')) continue;
    try {
      const stat = statSync(arg, { throwIfNoEntry: false });
      if (stat?.isFile()) total += loadedSize(arg, stat.size);
      // A directory stands for the snapshots in it.
      else if (stat?.isDirectory()) for (const file of snapshotsIn(arg)) total += loadedSize(file, statSync(file).size);
    } catch {
      // Not a file we can size.
    }
  }
  return total;
}

/**
 * Called first by bin/heapdiff.js. In a process this function started, puts GLIBC_TUNABLES back
 * as the user had it (programs heapdiff starts inherit the user's environment), ends itself if
 * its parent is killed, and returns false: run the command here. Otherwise, when huge pages
 * would help (see `wantsHugePages`), starts the same command in a new Node process with them, on
 * the same terminal, passes signals on, ends with its exit code or signal, and returns true: run
 * nothing here. Also true, with exit code 2, for a HEAPDIFF_HUGE_PAGES it does not understand.
 * When the new process cannot be started, returns false.
 */
export function relaunchWithHugePages(argv: readonly string[]): boolean {
  const env = process.env;
  const before = env[RELAUNCHED];
  if (before !== undefined) {
    const parent = Number(env[RELAUNCHED_BY]);
    delete env[RELAUNCHED];
    delete env[RELAUNCHED_BY];
    if (before.startsWith('=')) env['GLIBC_TUNABLES'] = before.slice(1);
    else delete env['GLIBC_TUNABLES'];
    endWithParent(parent);
    return false;
  }
  // Other commands never read the setting.
  if (!loadsFiles(argv)) return false;
  const setting = hugePagesSetting(env['HEAPDIFF_HUGE_PAGES']);
  if (setting instanceof Error) {
    process.stderr.write(`heapdiff: ${setting.message}\n`);
    process.exitCode = 2;
    return true;
  }
  const facts: HugePagesFacts = {
    platform: process.platform,
    setting,
    tunables: env['GLIBC_TUNABLES'],
    thpMode: process.platform === 'linux' ? readOptional('/sys/kernel/mm/transparent_hugepage/enabled') : undefined,
    argv,
    inputBytes: 0,
    observed: OBSERVED.test(`${process.execArgv.join(' ')} ${env['NODE_OPTIONS'] ?? ''}`),
    ipc: process.send !== undefined,
  };
  // Cheap checks first: the sizes only when everything else says yes.
  if (!wantsHugePages({ ...facts, inputBytes: Number.POSITIVE_INFINITY })) return false;
  if (!wantsHugePages({ ...facts, inputBytes: inputBytes(argv) })) return false;
  // musl and other C libraries have no such tunable: a second process would gain nothing.
  if (!(process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime) return false;
  const tunables = facts.tunables ? `${facts.tunables}:${TUNABLE}` : TUNABLE;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...env, GLIBC_TUNABLES: tunables, [RELAUNCHED]: facts.tunables === undefined ? 'unset' : `=${facts.tunables}`, [RELAUNCHED_BY]: String(process.pid) },
  });
  if (child.pid === undefined) {
    child.on('error', () => {});
    return false;
  }
  const forward = (signal: NodeJS.Signals): void => {
    if (signal === 'SIGTSTP') {
      stopWith(child.pid!, forward);
      return;
    }
    try {
      child.kill(signal);
    } catch {
      // It has ended meanwhile: its exit ends this process too.
    }
  };
  for (const signal of FORWARDED) process.on(signal, forward);
  child.on('close', (code, signal) => {
    for (const s of FORWARDED) process.off(s, forward);
    if (signal && !dumpsCore(signal)) {
      // The same end as the child's, as a shell or CI sees it (Ctrl-C ends a script's loop too).
      process.kill(process.pid, signal);
      // Kept alive until the signal arrives.
      setTimeout(() => {}, 1000);
    } else {
      // A crash's core is the child's: this process exits with the code a shell would show.
      process.exitCode = signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 0);
    }
  });
  return true;
}

/**
 * SIGTSTP: the second process stops first (a UI gives the terminal back), then this one, as
 * SIGTSTP stops a process, so that the shell sees its job stopped and `fg` continues both.
 * From the terminal or to the whole group, the second one has it already: it is not sent again
 * (a UI would suspend again once continued) — the UI stops the group itself, or the command has
 * stopped by the time this looks (`GRACE_MS`). Sent to this process alone, it is passed on.
 * When the second does not stop — a process group the kernel does not stop (no shell to
 * continue it) — neither does this one.
 */
function stopWith(child: number, listener: (signal: NodeJS.Signals) => void): void {
  const start = Date.now();
  setTimeout(() => {
    // Stopped meanwhile (the UI stopped the group) and continued since: nothing more to do.
    if (Date.now() - start > GRACE_MS + LATE_MS) return;
    if (processState(child) !== 'T') {
      try {
        process.kill(child, 'SIGTSTP');
      } catch {
        return;
      }
    }
    const deadline = Date.now() + STOP_WAIT_MS;
    const check = (): void => {
      if (processState(child) === 'T') {
        // The default action (stop, or nothing in an orphaned process group), then back to forwarding.
        process.off('SIGTSTP', listener);
        process.kill(process.pid, 'SIGTSTP');
        process.on('SIGTSTP', listener);
      } else if (Date.now() < deadline) {
        setTimeout(check, 10);
      }
    };
    check();
  }, GRACE_MS);
}

/** The state letter of a process (`R`, `S`, `T`, …) from /proc, or '' if it is gone. */
function processState(pid: number): string {
  const stat = readOptional(`/proc/${pid}/stat`) ?? '';
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

/** Signals whose default action writes a core file. */
function dumpsCore(signal: NodeJS.Signals): boolean {
  return ['SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGILL', 'SIGQUIT', 'SIGSEGV', 'SIGSYS', 'SIGTRAP', 'SIGXCPU', 'SIGXFSZ'].includes(signal);
}

/**
 * In the relaunched process: once the parent is gone (killed with SIGKILL, which it cannot pass
 * on; maybe before this process even started), end as SIGTERM ends the command — a UI gives the
 * terminal back — instead of running on. Checked on this thread, so as soon as a big load lets
 * it (a second or two at most); a watching thread would cost ~11 MB of the memory big loads need.
 */
function endWithParent(parent: number): void {
  const check = (): void => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  };
  setInterval(check, PARENT_CHECK_MS).unref();
  check();
}

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
