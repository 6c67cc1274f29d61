import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { UsageError } from '@heapdiff/core';
import { captureTrigger, checkNodeCommand, parseAddress, startWithInspector } from '../capture-target.js';

interface SnapshotArgs {
  output: string;
  after: number | undefined;
  '--': string[] | undefined;
  inspect: string | undefined;
  pid: number | undefined;
  port: number | undefined;
  gc: boolean;
  allowRemote: boolean;
  trackAllocations: boolean;
}

/** `heapdiff snapshot -o FILE --inspect HOST:PORT | --pid PID`: a snapshot of another process. */
export const snapshotCommand: CommandModule<object, SnapshotArgs> = {
  command: 'snapshot',
  describe: 'Write a heap snapshot of a Node process through its inspector (running, or started: -- node app.js)',
  builder: (yargs: Argv) =>
    yargs
      .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'the .heapsnapshot file to write' })
      .option('inspect', { type: 'string', describe: 'HOST:PORT of a process started with --inspect' })
      .option('pid', { type: 'number', describe: 'a running Node process: its inspector is turned on with SIGUSR1' })
      .option('port', { type: 'number', describe: 'with --pid: the inspector port the process uses (default 9229)' })
      .option('gc', { type: 'boolean', default: true, describe: 'collect garbage in the process first (--no-gc to skip)' })
      .option('allow-remote', { type: 'boolean', default: false, describe: 'allow a non-loopback --inspect host (the inspector controls the process)' })
      .option('track-allocations', {
        type: 'boolean',
        default: false,
        describe: 'record allocation stacks from now until the capture (Enter, SIGUSR2 or --after); allocating is much slower meanwhile',
      })
      .option('after', { type: 'number', describe: 'with -- node app.js or --track-allocations: capture this many ms later (else on Enter or SIGUSR2)' })
      .parserConfiguration({ 'populate--': true })
      .check((args) => {
        const command = (args['--'] as string[] | undefined) ?? [];
        const sources = [args.inspect !== undefined, args.pid !== undefined, command.length > 0].filter(Boolean).length;
        if (sources !== 1) throw new UsageError('give exactly one of --inspect HOST:PORT, --pid PID, or -- node app.js …');
        checkNodeCommand(command);
        if (args.inspect !== undefined) parseAddress(args.inspect);
        if (args.pid !== undefined && (!Number.isInteger(args.pid) || args.pid < 1)) throw new UsageError(`--pid must be a process id, got ${String(args.pid)}`);
        return true;
      })
      .example('$0 snapshot --inspect 127.0.0.1:9229 -o app.heapsnapshot', 'from a process started with --inspect')
      .example('$0 snapshot --pid 4242 -o app.heapsnapshot', 'from a running process, turning its inspector on')
      .example('$0 snapshot -o app.heapsnapshot --after 5000 -- node app.js', 'start app.js, snapshot it after 5 s, stop it')
      .example('$0 snapshot --pid 4242 --track-allocations -o app.heapsnapshot', 'record where objects are allocated until Enter, then snapshot') as unknown as Argv<SnapshotArgs>,
  handler: async (args: ArgumentsCamelCase<SnapshotArgs>) => {
    const { activateInspector, captureRemoteSnapshot, isLoopbackHost } = await import('@heapdiff/core/capture');
    const { formatBytes } = await import('@heapdiff/core');
    let address: { host: string; port: number };
    const command = args['--'] ?? [];
    let started: Awaited<ReturnType<typeof startWithInspector>> | undefined;
    if (command.length > 0) {
      // Tracking starts before the program's first line: it waits for heapdiff (--inspect-brk).
      started = await startWithInspector(command, args.trackAllocations);
      address = started.address;
      // Without tracking, connect only when it is time to capture.
      if (!args.trackAllocations) await captureTrigger(args.after, started.exited);
    } else if (args.inspect !== undefined) {
      address = parseAddress(args.inspect);
      if (args.allowRemote && !isLoopbackHost(address.host)) {
        process.stderr.write(`heapdiff: warning: capturing over the network from ${address.host}; anyone on the way could control that process\n`);
      }
    } else {
      address = await activateInspector(args.pid!, args.port === undefined ? {} : { port: args.port });
    }
    if (args.trackAllocations) process.stderr.write(`heapdiff: tracking allocations in the process at ${address.host}:${address.port}\n`);
    const trackAllocationsUntil = args.trackAllocations ? captureTrigger(args.after, started?.exited) : undefined;
    const tty = Boolean(process.stderr.isTTY) && !process.env['CI'];
    const result = await captureRemoteSnapshot(address, args.output, {
      gc: args.gc,
      allowRemote: args.allowRemote,
      ...(trackAllocationsUntil ? { trackAllocationsUntil } : {}),
      runIfWaitingForDebugger: started !== undefined,
      ...(tty ? { onProgress: ({ done, total }: { done: number; total: number }) => process.stderr.write(`\r\x1b[2KSnapshotting ${Math.floor((100 * done) / Math.max(1, total))}%`) } : {}),
    });
    if (tty) process.stderr.write('\r\x1b[2K');
    started?.child.kill('SIGTERM');
    process.stdout.write(`${result.file} (${formatBytes(result.bytes)})\n`);
  },
};
