import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { UsageError } from '@heapdiff/core/errors';
import { checkNodeCommand, checkPid, checkPort, parseAddress, parseDuration } from '../capture-target.js';

interface SnapshotArgs {
  output: string;
  force: boolean;
  after: string | undefined;
  '--': string[] | undefined;
  inspect: string | undefined;
  pid: number | undefined;
  port: number | undefined;
  keepInspector: boolean;
  gc: boolean;
  allowRemote: boolean;
  trackAllocations: boolean;
}

/** `heapdiff snapshot -o FILE --inspect HOST:PORT | --pid PID | -- node app.js`: a snapshot of another process. */
export const snapshotCommand: CommandModule<object, SnapshotArgs> = {
  command: 'snapshot',
  describe: 'Write a heap snapshot of a Node process through its inspector (running, or started: -- node app.js)',
  builder: (yargs: Argv) =>
    yargs
      .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'the .heapsnapshot file to write (- for stdout)' })
      .option('force', { type: 'boolean', default: false, describe: 'replace the output file if it exists' })
      .option('inspect', { type: 'string', describe: 'HOST:PORT of a process started with --inspect' })
      .option('pid', { type: 'number', describe: 'a running Node process: its inspector is turned on with SIGUSR1 (and off again after)' })
      .option('port', { type: 'number', describe: 'with --pid: the inspector port the process uses (default 9229)' })
      .option('keep-inspector', { type: 'boolean', default: false, describe: 'with --pid: leave the inspector that heapdiff turned on open' })
      .option('gc', { type: 'boolean', default: true, describe: 'collect garbage in the process first (--no-gc to skip)' })
      .option('allow-remote', { type: 'boolean', default: false, describe: 'allow a non-loopback --inspect host (the inspector controls the process)' })
      .option('track-allocations', {
        type: 'boolean',
        default: false,
        describe: 'record allocation stacks from now until the capture (Enter, SIGUSR2 or --after); allocating is much slower meanwhile',
      })
      .option('after', { type: 'string', describe: 'capture this long later (5000, 500ms, 30s, 2m); with -- node app.js or --track-allocations the default is Enter or SIGUSR2, else at once' })
      .parserConfiguration({ 'populate--': true })
      .check((args) => {
        const command = (args['--'] as string[] | undefined) ?? [];
        const sources = [args.inspect !== undefined, args.pid !== undefined, command.length > 0].filter(Boolean).length;
        if (sources !== 1) throw new UsageError('give exactly one of --inspect HOST:PORT, --pid PID, or -- node app.js …');
        checkNodeCommand(command);
        if (args.inspect !== undefined) parseAddress(args.inspect as string);
        checkPid(args.pid);
        checkPort(args.port);
        if (args.port !== undefined && args.pid === undefined) throw new UsageError('--port goes with --pid (with --inspect, give HOST:PORT)');
        if (args['keepInspector'] && args.pid === undefined) throw new UsageError('--keep-inspector goes with --pid (heapdiff closes only an inspector it opened)');
        if (args.after !== undefined) parseDuration(args.after as string, '--after');
        if (typeof args.output !== 'string' || args.output === '') throw new UsageError('-o needs a file name (or - for stdout)');
        return true;
      })
      .example('$0 snapshot --inspect 127.0.0.1:9229 -o app.heapsnapshot', 'from a process started with --inspect')
      .example('$0 snapshot --pid 4242 -o app.heapsnapshot', 'from a running process, turning its inspector on (and off again)')
      .example('$0 snapshot -o app.heapsnapshot --after 5s -- node app.js', 'start app.js, snapshot it after 5 s, stop it')
      .example('$0 snapshot --pid 4242 -o - | gzip > app.heapsnapshot.gz', 'to stdout')
      .example('$0 snapshot --pid 4242 --track-allocations -o app.heapsnapshot', 'record where objects are allocated until Enter, then snapshot') as unknown as Argv<SnapshotArgs>,
  handler: async (args: ArgumentsCamelCase<SnapshotArgs>) => {
    const { takeRemoteSnapshot } = await import('../remote-snapshot.js');
    await takeRemoteSnapshot({
      output: args.output,
      force: args.force,
      after: args.after === undefined ? undefined : parseDuration(args.after, '--after'),
      command: args['--'] ?? [],
      inspect: args.inspect,
      pid: args.pid,
      port: args.port,
      keepInspector: args.keepInspector,
      gc: args.gc,
      allowRemote: args.allowRemote,
      trackAllocations: args.trackAllocations,
    });
  },
};
