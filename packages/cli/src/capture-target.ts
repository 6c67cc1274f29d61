import { UsageError } from '@heapdiff/core';

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
  const ended = new Promise<void>((resolve) => (programEnded = resolve));
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
  return { child, address, exited, ended };
}

/** Waits for the moment to capture `what`: `after` ms, or Enter on a terminal, or SIGUSR2. */
export async function captureTrigger(after: number | undefined, exited: Promise<number | null> | undefined, what = 'the snapshot'): Promise<void> {
  const { CaptureError } = await import('@heapdiff/core/capture');
  return new Promise((resolve, reject) => {
    const done = (): void => {
      process.off('SIGUSR2', done);
      process.stdin.pause();
      resolve();
    };
    void exited?.then((code) => reject(new CaptureError(`the program exited (code ${code}) before ${what} was taken`)));
    if (after !== undefined) {
      setTimeout(done, after);
      return;
    }
    process.once('SIGUSR2', done);
    if (process.stdin.isTTY) {
      process.stderr.write(`heapdiff: press Enter to take ${what} (or send SIGUSR2)\n`);
      process.stdin.resume();
      process.stdin.once('data', done);
    } else {
      process.stderr.write(`heapdiff: send SIGUSR2 to ${process.pid} to take ${what}\n`);
    }
  });
}
