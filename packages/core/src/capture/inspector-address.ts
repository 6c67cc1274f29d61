// Where a Node process's inspector listens, and the WebSocket URL its HTTP endpoint gives for the process.
import { CaptureError } from '../errors.js';

/** Where a Node process's inspector listens. */
export interface InspectorAddress {
  host: string;
  port: number;
}

/** GETs a small JSON document (node:http: fetch refuses ports such as 1 or 6000). */
async function getJson(host: string, port: number, path: string, timeoutMs: number): Promise<unknown> {
  // Loaded on first use: node:http (and ws) loaded with the capture entry would be the
  // program's load — on Node 22 and after, compiling an HTTP parser in the background
  // across a mark made right after the import (a worker's first diff).
  const { get } = await import('node:http');
  return new Promise((resolve, reject) => {
    const request = get({ host, port, path, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > 1 << 20) request.destroy(new Error('the answer is too long'));
      });
      response.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch {
          resolve(undefined);
        }
      });
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
  });
}

/** Asks the inspector's HTTP endpoint for the target's WebSocket URL. */
export async function inspectorWebSocketUrl(address: InspectorAddress, timeoutMs = 10_000): Promise<string> {
  // (An IPv6 address in brackets, as it is written with a port.)
  const where = `${address.host.includes(':') && !address.host.startsWith('[') ? `[${address.host}]` : address.host}:${address.port}`;
  let targets: unknown;
  try {
    // A bracketed IPv6 literal ("[::1]") is a URL's spelling; the socket wants the bare address.
    targets = await getJson(address.host.replace(/^\[(.*)\]$/, '$1'), address.port, '/json/list', timeoutMs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED') throw new CaptureError(`nothing listens on ${where}: is the process running with --inspect?`, { cause: error });
    throw new CaptureError(`the inspector at ${where} did not answer: ${(error as Error).message}`, { cause: error });
  }
  const list = Array.isArray(targets) ? (targets as unknown[]) : [];
  const target = list.find(
    (t): t is { webSocketDebuggerUrl: string } =>
      t !== null && typeof t === 'object' && typeof (t as { webSocketDebuggerUrl?: unknown }).webSocketDebuggerUrl === 'string' && ((t as { type?: unknown }).type ?? 'node') === 'node',
  );
  if (!target?.webSocketDebuggerUrl) {
    throw new CaptureError(`${where} answered, but not as a Node inspector (no debuggable target in /json/list)`);
  }
  return target.webSocketDebuggerUrl;
}
