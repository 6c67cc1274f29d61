import { CaptureError } from '../errors.js';
import { checkNodeProcess, inspectorPortOf } from './node-process.js';
import { inspectorWebSocketUrl, type InspectorAddress } from './inspector-address.js';
import { RemoteHeapSession } from './remote-capture.js';

/**
 * Turns on the inspector of a running Node process (SIGUSR1, as `node inspect -p` does) and
 * returns its address once it answers; Node listens on 127.0.0.1:9229 unless the process
 * chose another port with --inspect-port. Only a Node process is signalled (see
 * node-process.ts). `opened` says whether the inspector was off before: a caller that is done
 * closes it again (`RemoteHeapSession.release({ closeInspector: true })`). Connect with
 * `expectPid: pid`, since another process may hold the port.
 */
export async function activateInspector(pid: number, options: { port?: number; timeoutMs?: number } = {}): Promise<InspectorAddress & { opened: boolean }> {
  if (!Number.isSafeInteger(pid) || pid < 1 || pid > 2 ** 31 - 1) throw new CaptureError(`a pid is a whole number from 1 to 2147483647, got ${String(pid)}`);
  if (pid === process.pid) throw new CaptureError(`${pid} is heapdiff's own process: give the pid of the program to capture`);
  checkNodeProcess(pid);
  // The port the process chose for its inspector, unless the caller knows better.
  const chosen = inspectorPortOf(pid);
  const address = { host: '127.0.0.1', port: options.port ?? (chosen || undefined) ?? 9229 };
  let wasOpen = false;
  try {
    await inspectorWebSocketUrl(address, 1_000);
    wasOpen = true;
  } catch {
    // nothing there yet: the usual case
  }
  try {
    process.kill(pid, 'SIGUSR1');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') throw new CaptureError(`no process with pid ${pid}`, { cause: error });
    if (code === 'EPERM') throw new CaptureError(`not allowed to signal process ${pid} (another user's?)`, { cause: error });
    throw new CaptureError(`cannot signal process ${pid}: ${(error as Error).message}`, { cause: error });
  }
  if (wasOpen) return { ...address, opened: false };
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await inspectorWebSocketUrl(address, 1_000);
      return { ...address, opened: true };
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  // Opened where the process chose instead: closed again, and named.
  const elsewhere = chosen || 9229;
  if (elsewhere !== address.port) {
    let found = false;
    try {
      const session = await RemoteHeapSession.connect({ host: address.host, port: elsewhere }, { expectPid: pid, timeoutMs: 1_000 });
      await session.release({ closeInspector: true });
      found = true;
    } catch {
      // not there either
    }
    if (found) throw new CaptureError(`process ${pid} opened its inspector on port ${elsewhere}, not ${address.port} (heapdiff closed it again): pass --port ${elsewhere}`);
  }
  throw new CaptureError(
    `process ${pid} did not open an inspector on ${address.host}:${address.port} after SIGUSR1 (is the port taken, or did it start with --inspect-port=another port? then pass --port)`,
    { cause: lastError },
  );
}
