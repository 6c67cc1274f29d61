import { UsageError } from '@heapdiff/core/errors';

// Where a command captures from (a process it starts, one with its inspector open, one by
// pid) and when: shared by `heapdiff snapshot` and `heapdiff leaks`.

/** `HOST:PORT` (or `[IPv6]:PORT`) of an inspector. */
export function parseAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port < 1 || port > 65535) throw new UsageError(`--inspect takes HOST:PORT (for example 127.0.0.1:9229), got "${text}"`);
  return { host: match[1] ?? match[2]!, port };
}

/**
 * Checks a `-- node app.js …` command: it must start node, and leave the inspector to heapdiff.
 */
export function checkNodeCommand(command: readonly string[]): void {
  if (command.length === 0) return;
  if (!/(^|\/)node(\.exe)?$/.test(command[0]!)) throw new UsageError(`the program to start must be node (… -- node app.js), got "${command[0]}"`);
  const own = command.slice(1).find((arg) => /^--inspect(-brk|-wait|-port|-publish-uid)?(=|$)/.test(arg));
  if (own) throw new UsageError(`leave out ${own}: heapdiff starts the program with its own inspector`);
}

/**
 * Starts `node …` with its inspector on a free loopback port and waits until it listens. The
 * program's own stderr passes through, but for the inspector's announcement lines; its output
 * goes to heapdiff's stderr, or to the file descriptor `output` (the UI owns the terminal).
 */
export async function startWithInspector(command: string[], waitForHeapdiff: boolean, output?: number, signal?: AbortSignal) {
  const { spawn } = await import('node:child_process');
  const { writeSync } = await import('node:fs');
  const passOn = (line: string): void => {
    if (output === undefined) process.stderr.write(line);
    else {
      try {
        writeSync(output, line);
      } catch {
        // The log was closed: the program outlived heapdiff's interest in it.
      }
    }
  };
  const { CaptureError } = await import('@heapdiff/core/capture');
  const [node, ...rest] = command;
  // The program's output goes to stderr: stdout is heapdiff's report (--json must stay JSON).
  const child = spawn(node!, [`--inspect${waitForHeapdiff ? '-brk' : ''}=127.0.0.1:0`, ...rest], { stdio: ['ignore', output ?? process.stderr, 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Node keeps the process of a program that ended while an inspector was connected, and says so.
  let programEnded: () => void = () => {};
  let hasEnded = false;
  const ended = new Promise<void>((resolve) => (programEnded = resolve)).then(() => void (hasEnded = true));
  const address = await new Promise<{ host: string; port: number }>((resolve, reject) => {
    let pending = '';
    // Stopped while starting: the program goes too.
    const onAbort = (): void => {
      child.kill('SIGKILL');
      reject(new CaptureError('stopped while the program was starting'));
    };
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    // A program that never says where its inspector listens (NODE_OPTIONS with
    // --inspect-publish-uid=http, say) is not waited for forever.
    const silence = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new CaptureError(`the program did not announce its inspector within 15 s ("Debugger listening on ws://…" on stderr); is --inspect-publish-uid set in NODE_OPTIONS?`));
    }, 15_000);
    silence.unref();
    void exited.then(() => clearTimeout(silence));
    child.once('error', (error) => reject(new CaptureError(`cannot start ${node}: ${error.message}`)));
    void exited?.then((code) => reject(new CaptureError(`the program exited (code ${code}) before its inspector was listening`)));
    child.stderr!.setEncoding('utf8').on('data', (data: string) => {
      pending += data;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline + 1);
        pending = pending.slice(newline + 1);
        const match = /^Debugger listening on ws:\/\/([^:/]+):(\d+)\//.exec(line);
        if (match) {
          clearTimeout(silence);
          signal?.removeEventListener('abort', onAbort);
          resolve({ host: match[1]!, port: Number(match[2]) });
        }
        else if (line.startsWith('Waiting for the debugger to disconnect')) programEnded();
        else if (!/^(For help, see: |Debugger attached|Debugger ending on |Waiting for the debugger)/.test(line)) passOn(line);
      }
    });
    // The program's last words, when they end without a newline.
    child.stderr!.on('end', () => {
      if (pending) passOn(pending);
      pending = '';
    });
  });
  /** Whether the program has ended while connected (its process waits for the inspector to let go). */
  const endedNow = (): boolean => hasEnded;
  return { child, address, exited, ended, endedNow };
}

/** The longest wait a timer can take (Node fires longer ones at once). */
const MAX_WAIT_MS = 2 ** 31 - 1;

/** `30s`, `500ms`, `2m`, `1h`, or a bare number of milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(String(text).trim());
  if (!match) throw new UsageError(`${flag} takes a duration such as 30s, 500ms, 2m or 1h (a bare number is ms), got "${text}"`);
  const unit = match[2] ?? 'ms';
  const ms = Math.round(Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms']);
  if (ms > MAX_WAIT_MS) throw new UsageError(`${flag} can be at most ${MAX_WAIT_MS} ms (about 24 days), got "${text}"`);
  return ms;
}

/** Refuses a `--pid` that cannot be a process id (before anything is signalled). */
export function checkPid(pid: unknown): void {
  if (pid === undefined) return;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid < 1 || pid > 2 ** 31 - 1) {
    throw new UsageError(`--pid takes a process id (a whole number from 1 to 2147483647), got ${String(pid)}`);
  }
}

/** Refuses a `--port` that is not one. */
export function checkPort(port: unknown): void {
  if (port === undefined) return;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--port must be a port number (1 to 65535), got ${String(port)}`);
}

/** What a wait for the moment to capture gives up on. */
export interface TriggerStops {
  /** The program heapdiff started exiting (with its code): the wait fails. */
  exited?: Promise<number | null> | undefined;
  /** The command ending or stopped: the wait fails quietly (its timer and stdin let go). */
  signal?: AbortSignal | undefined;
}

/** A SIGUSR2 that came while no wait listened (see `holdSignalTrigger`): the next wait takes it. */
let pendingSignal = false;
const rememberSignal = (): void => {
  pendingSignal = true;
};

/**
 * Keeps SIGUSR2 from ending heapdiff for a whole capture (Node's default for it: the process
 * dies, leaving a program it started running, with its inspector open, and a partial file):
 * one that comes while no snapshot is waited for (being written, or before the program is
 * ready) is kept for the next wait, which then fires at once; more of them meanwhile count as
 * one. Returns what lets go of it.
 */
export function holdSignalTrigger(): () => void {
  process.on('SIGUSR2', rememberSignal);
  return () => {
    process.off('SIGUSR2', rememberSignal);
    pendingSignal = false;
  };
}

/**
 * Waits for the moment to capture `what`: `after` ms, or Enter on a terminal, or SIGUSR2 (one
 * kept from before: at once, see `holdSignalTrigger`). Whatever way it ends, its timer, stdin
 * and signal listener are let go, so nothing keeps heapdiff running after it.
 */
export async function captureTrigger(after: number | undefined, stops: TriggerStops = {}, what = 'the snapshot'): Promise<void> {
  const { AbortedError, CaptureError } = await import('@heapdiff/core');
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let listening = false;
    const settle = (error?: Error): void => {
      clearTimeout(timer);
      process.off('SIGUSR2', fire);
      // (The signal that fired this wait is not kept for the next.)
      if (after === undefined) pendingSignal = false;
      if (listening) {
        process.stdin.off('data', fire);
        process.stdin.pause();
      }
      stops.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const fire = (): void => settle();
    const onAbort = (): void => settle(new AbortedError(`stopped while waiting to take ${what}`));
    if (stops.signal?.aborted) return onAbort();
    stops.signal?.addEventListener('abort', onAbort, { once: true });
    void stops.exited?.then((code) => settle(new CaptureError(`the program exited (code ${code}) before ${what} was taken`)));
    if (after !== undefined) {
      timer = setTimeout(fire, after);
      return;
    }
    if (pendingSignal) {
      process.stderr.write(`heapdiff: taking ${what} for the SIGUSR2 that came meanwhile\n`);
      return settle();
    }
    process.once('SIGUSR2', fire);
    if (process.stdin.isTTY) {
      process.stderr.write(`heapdiff: press Enter to take ${what} (or send SIGUSR2)\n`);
      listening = true;
      process.stdin.resume();
      process.stdin.once('data', fire);
    } else {
      process.stderr.write(`heapdiff: send SIGUSR2 to ${process.pid} to take ${what}\n`);
    }
  });
}

/**
 * For a program heapdiff started that has ended — while connected (`session.programEnded`:
 * once let go, it prints its uncaught error and exits), or on its own — stops it with `stop`
 * and returns an error saying how it ended, for the error that showed it. Undefined while the
 * program runs.
 */
export async function programEndedError(
  started: Awaited<ReturnType<typeof startWithInspector>> | undefined,
  session: { programEnded: boolean } | undefined,
  what: string,
  stop: () => Promise<void>,
  cause: unknown,
): Promise<Error | undefined> {
  if (!started) return undefined;
  // heapdiff's own failure to write a file (a full disk: a CaptureError naming its `file`)
  // stays the error, even when the program dies of the aborted snapshot right after (Node may
  // crash when the inspector lets go mid-snapshot): only a broken connection — a refused one,
  // or a reset, whose cause is a failed `write` too — is the sign of an ended program.
  const { CaptureError } = await import('@heapdiff/core');
  if (cause instanceof CaptureError && cause.file !== undefined) return undefined;
  const { child } = started;
  const wait = (ms: number): Promise<false> => new Promise((resolve) => setTimeout(() => resolve(false), ms).unref());
  if (session?.programEnded || started.endedNow()) {
    // Its stderr says so a moment after the inspector does.
    await Promise.race([started.ended, wait(1_000)]);
  } else {
    // Gone without an inspector holding it (dead before heapdiff connected, or killed): the
    // refused or broken connection is only the sign of it.
    const gone = child.exitCode !== null || child.signalCode !== null || (await Promise.race([started.exited.then(() => true), wait(500)]));
    if (!gone) return undefined;
  }
  await stop();
  const how = child.exitCode !== null ? `exited (code ${child.exitCode})` : child.signalCode ? `was killed by ${child.signalCode}` : 'ended';
  return new CaptureError(`the program ${how} before ${what} was taken`, { cause });
}

/**
 * Stops a program heapdiff started: SIGTERM, then SIGKILL if it is still there after
 * `graceMs`; resolves once its output is all passed on (its last words: why it crashed).
 */
export async function stopProgram(
  started: { child: import('node:child_process').ChildProcess; exited: Promise<unknown>; endedNow?: () => boolean },
  graceMs = 5_000,
): Promise<void> {
  const { child, exited } = started;
  const outputDone = child.stderr && !child.stderr.readableEnded ? new Promise((resolve) => child.stderr!.once('close', resolve)) : undefined;
  // A program that ended while connected prints its uncaught error, and exits, only once the
  // inspector has let go: it is given a moment to do so.
  if (started.endedNow?.()) await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
  // A grandchild holding the pipe open is not waited for long.
  if (outputDone) await Promise.race([outputDone, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
}
