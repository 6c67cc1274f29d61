import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
/** The CLI's TypeScript entry, run through tsx so tests never need a build. */
export const CLI_SOURCE = fileURLToPath(new URL('../../packages/cli/src/bin.ts', import.meta.url));
const TSX_LOADER = require.resolve('tsx');
/** Node flags that run heapdiff's TypeScript sources directly (workspace packages from source). */
export const TSX_ARGS = ['--conditions=@heapdiff/source', '--import', TSX_LOADER];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `heapdiff …args` as a real child process, from source. */
export function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; uid?: number; gid?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...TSX_ARGS, CLI_SOURCE, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid === undefined ? {} : { uid: options.uid }),
      ...(options.gid === undefined ? {} : { gid: options.gid }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
