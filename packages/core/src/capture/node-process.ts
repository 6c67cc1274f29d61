import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { CaptureError } from '../errors.js';

// Before heapdiff sends SIGUSR1 to a process by its pid, it makes sure the process is Node and
// listens for the signal: any other program (sleep, python3, a Node started with
// --disable-sigusr1) dies of it — SIGUSR1's default action ends a process.

/** A Node executable's name: node, nodejs, node20, node-v22.1.0, node.exe. */
const NODE_NAME = /^node(js)?([-_.]?v?\d[\w.]*)?(\.exe)?$/i;

/** SIGUSR1's number on Linux (its bit in /proc/PID/status is number − 1). */
const SIGUSR1 = 10;

/** What a process is: its executable's name, its command line, and whether it catches SIGUSR1 (Linux). */
export interface ProcessIdentity {
  executable: string;
  commandLine: string;
  catchesSigusr1: boolean | undefined;
  /** Linux: the process a thread id belongs to (its own pid for a process). */
  processId?: number;
  /** Linux: whether it has ended and waits for its parent (a zombie). */
  zombie?: boolean;
}

/**
 * Refuses a `pid` that is not a Node process ready for SIGUSR1, with a line saying what it is
 * and what to do instead.
 *
 * @example checkNodeProcess(4242) // throws CaptureError for `sleep 100`'s pid
 */
export function checkNodeProcess(pid: number): void {
  const identity = identifyProcess(pid);
  const what = `process ${pid} (${identity.commandLine || identity.executable})`;
  if (identity.processId !== undefined && identity.processId !== pid) {
    throw new CaptureError(`${pid} is a thread of process ${identity.processId}, not a process: pass --pid ${identity.processId}`);
  }
  if (identity.zombie) throw new CaptureError(`${what} has ended (a zombie waiting for its parent): there is nothing to capture`);
  const nodeLike = NODE_NAME.test(identity.executable) || NODE_NAME.test(basename(identity.commandLine.split(' ')[0] ?? ''));
  if (!nodeLike) {
    throw new CaptureError(
      `${what} is not a Node process (its executable is ${identity.executable}); heapdiff sends SIGUSR1 only to node, which would end any other program. For a Node program under another name, start it with --inspect and pass --inspect HOST:PORT`,
    );
  }
  if (identity.catchesSigusr1 === false) {
    throw new CaptureError(
      `${what} does not listen for SIGUSR1 (started with --disable-sigusr1, or still starting up), so the signal would end it; start it with --inspect and pass --inspect HOST:PORT`,
    );
  }
}

/** Reads what `pid` is: on Linux from /proc, elsewhere from `ps`. */
export function identifyProcess(pid: number): ProcessIdentity {
  if (process.platform === 'linux') {
    let status: string;
    try {
      status = readFileSync(`/proc/${pid}/status`, 'latin1');
    } catch (error) {
      throw new CaptureError(`no process with pid ${pid}`, { cause: error });
    }
    const name = /^Name:\s*(.*)$/m.exec(status)?.[1] ?? '';
    const caught = /^SigCgt:\s*([0-9a-f]+)$/im.exec(status)?.[1];
    let executable = name;
    try {
      executable = basename(readlinkSync(`/proc/${pid}/exe`)).replace(/ \(deleted\)$/, '');
    } catch {
      // Another user's process: its name from status is what there is (signalling it fails anyway).
    }
    let commandLine = '';
    try {
      commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    } catch {
      // as above
    }
    const catchesSigusr1 = caught === undefined ? undefined : (BigInt(`0x${caught}`) & (1n << BigInt(SIGUSR1 - 1))) !== 0n;
    const tgid = /^Tgid:\s*(\d+)$/m.exec(status)?.[1];
    const zombie = /^State:\s*Z/m.test(status);
    return { executable, commandLine: shorten(commandLine), catchesSigusr1, zombie, ...(tgid === undefined ? {} : { processId: Number(tgid) }) };
  }
  let output: string;
  try {
    output = execFileSync('ps', ['-o', 'comm=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch (error) {
    throw new CaptureError(`no process with pid ${pid}`, { cause: error });
  }
  return { executable: basename(output), commandLine: shorten(output), catchesSigusr1: undefined };
}

/** A command line short enough for a one-line message, with control characters shown escaped. */
function shorten(text: string): string {
  const printable = JSON.stringify(text).slice(1, -1);
  return printable.length > 80 ? `${printable.slice(0, 79)}…` : printable;
}

/**
 * The inspector port a Node process chose on its command line or in NODE_OPTIONS
 * (`--inspect-port=N`, `--inspect=[HOST:]N`, `--inspect-brk=…`, `--inspect-wait=…`): where
 * SIGUSR1 opens it. Undefined when it chose none (then 9229) or where /proc cannot tell.
 */
export function inspectorPortOf(pid: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  const args: string[] = [];
  try {
    args.push(...readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'));
  } catch {
    return undefined;
  }
  try {
    const options = /(?:^|\0)NODE_OPTIONS=([^\0]*)/.exec(readFileSync(`/proc/${pid}/environ`, 'utf8'))?.[1];
    if (options) args.unshift(...options.split(/\s+/));
  } catch {
    // another user's environment: the command line decides
  }
  let port: number | undefined;
  for (const arg of args) {
    // The script's own arguments come after it: node's options end at the first non-option.
    const match = /^--(?:inspect-port|inspect|inspect-brk|inspect-wait|debug-port)=(?:.*:)?(\d{1,5})$/.exec(arg);
    if (match) port = Number(match[1]);
  }
  return port !== undefined && port >= 0 && port <= 65535 ? port : undefined;
}
