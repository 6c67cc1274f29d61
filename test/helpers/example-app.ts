import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TSX_ARGS } from './run-cli.js';

const SERVER = fileURLToPath(new URL('../../examples/memory-endpoint/server.mjs', import.meta.url));

export const CREDENTIALS = { username: 'ops', password: 'correct horse battery staple' };

/** The example app (examples/memory-endpoint) running in a child process, from source. */
export interface ExampleApp {
  /** The app's port (its /login keeps a Session each time). */
  readonly app: number;
  /** The internal port: /debug/memory and /metrics. */
  readonly admin: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export function startExampleApp(env: Record<string, string> = {}): Promise<ExampleApp> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...TSX_ARGS, SERVER], {
      env: { ...process.env, PORT: '0', ADMIN_PORT: '0', MEMORY_USER: CREDENTIALS.username, MEMORY_PASSWORD: CREDENTIALS.password, MIN_INTERVAL_MS: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = out.split('\n')[0]!;
      if (!out.includes('\n')) return;
      const ports = JSON.parse(line) as { app: number; admin: number };
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      resolve({
        ...ports,
        child,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
    child.once('exit', (code) => reject(new Error(`the example app exited (${code}) before listening: ${err}`)));
  });
}

/** A request to a local port; resolves with the status, headers and body (as text, or raw). */
export async function call(
  port: number,
  path: string,
  options: { method?: string; auth?: { username: string; password: string } | string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; text: string; bytes: Buffer }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth !== undefined) {
    headers['authorization'] =
      typeof options.auth === 'string' ? options.auth : `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
  }
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: options.method ?? 'GET', headers });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, text: bytes.toString('utf8'), bytes };
}
