import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { UsageError } from '../usage-error.js';

interface SnapshotArgs {
  output: string;
  inspect: string | undefined;
  pid: number | undefined;
  port: number | undefined;
  gc: boolean;
  allowRemote: boolean;
}

function parseAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port < 1 || port > 65535) throw new UsageError(`--inspect takes HOST:PORT (for example 127.0.0.1:9229), got "${text}"`);
  return { host: match[1] ?? match[2]!, port };
}

/** `heapdiff snapshot -o FILE --inspect HOST:PORT | --pid PID`: a snapshot of another process. */
export const snapshotCommand: CommandModule<object, SnapshotArgs> = {
  command: 'snapshot',
  describe: 'Write a heap snapshot of a running Node process, through its inspector',
  builder: (yargs: Argv) =>
    yargs
      .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'the .heapsnapshot file to write' })
      .option('inspect', { type: 'string', describe: 'HOST:PORT of a process started with --inspect' })
      .option('pid', { type: 'number', describe: 'a running Node process: its inspector is turned on with SIGUSR1' })
      .option('port', { type: 'number', describe: 'with --pid: the inspector port the process uses (default 9229)' })
      .option('gc', { type: 'boolean', default: true, describe: 'collect garbage in the process first (--no-gc to skip)' })
      .option('allow-remote', { type: 'boolean', default: false, describe: 'allow a non-loopback --inspect host (the inspector controls the process)' })
      .check((args) => {
        if ((args.inspect === undefined) === (args.pid === undefined)) throw new UsageError('give exactly one of --inspect HOST:PORT or --pid PID');
        if (args.inspect !== undefined) parseAddress(args.inspect);
        if (args.pid !== undefined && (!Number.isInteger(args.pid) || args.pid < 1)) throw new UsageError(`--pid must be a process id, got ${String(args.pid)}`);
        return true;
      })
      .example('$0 snapshot --inspect 127.0.0.1:9229 -o app.heapsnapshot', 'from a process started with --inspect')
      .example('$0 snapshot --pid 4242 -o app.heapsnapshot', 'from a running process, turning its inspector on') as unknown as Argv<SnapshotArgs>,
  handler: async (args: ArgumentsCamelCase<SnapshotArgs>) => {
    const { activateInspector, captureRemoteSnapshot } = await import('@heapdiff/core');
    const { formatBytes } = await import('@heapdiff/reporter');
    let address: { host: string; port: number };
    if (args.inspect !== undefined) {
      address = parseAddress(args.inspect);
      if (args.allowRemote && !/^(127\.|localhost$|::1$)/.test(address.host)) {
        process.stderr.write(`heapdiff: warning: capturing over the network from ${address.host}; anyone on the way could control that process\n`);
      }
    } else {
      address = await activateInspector(args.pid!, args.port === undefined ? {} : { port: args.port });
    }
    const tty = Boolean(process.stderr.isTTY) && !process.env['CI'];
    const result = await captureRemoteSnapshot(address, args.output, {
      gc: args.gc,
      allowRemote: args.allowRemote,
      ...(tty ? { onProgress: ({ done, total }: { done: number; total: number }) => process.stderr.write(`\r\x1b[2KSnapshotting ${Math.floor((100 * done) / Math.max(1, total))}%`) } : {}),
    });
    if (tty) process.stderr.write('\r\x1b[2K');
    process.stdout.write(`${result.file} (${formatBytes(result.bytes)})\n`);
  },
};
