import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { UsageError } from '@heapdiff/core/errors';
import { checkNodeCommand, checkPid, checkPort } from '../capture-target.js';
import { STDIN_ARGUMENT } from '../load-graph.js';
import { checkDistinctFiles, expandFileArguments } from '../file-arguments.js';

interface UiArgs {
  files: string[] | undefined;
  '--': string[] | undefined;
  inspect: string | undefined;
  pid: number | undefined;
  port: number | undefined;
  dir: string | undefined;
  allowRemote: boolean;
  trackAllocations: boolean;
}

/** `heapdiff ui`: browse snapshots in the terminal, or take them of a running process and browse as you go. */
export const uiCommand: CommandModule<object, UiArgs> = {
  command: 'ui [files..]',
  describe: 'Browse snapshots in the terminal: summary, comparison, leaks, retainers (or live: --pid, --inspect, -- node app.js)',
  builder: (yargs: Argv) =>
    yargs
      .positional('files', {
        type: 'string',
        array: true,
        describe: '.heapsnapshot files of one process, oldest first (2: a Comparison tab, 3 or more: Leaks too), or a directory of them',
      })
      .option('pid', { type: 'number', describe: 'live: a running Node process (its inspector turned on with SIGUSR1); s takes a snapshot' })
      .option('port', { type: 'number', describe: 'with --pid: the inspector port the process uses (default 9229)' })
      .option('inspect', { type: 'string', describe: 'live: a process started with --inspect (HOST:PORT)' })
      .option('dir', { type: 'string', describe: 'live: the directory for the snapshots (default ./heapdiff-ui-DATE)' })
      .option('allow-remote', { type: 'boolean', default: false, describe: 'allow a non-loopback --inspect host (the inspector controls the process)' })
      .option('track-allocations', { type: 'boolean', default: false, describe: 'live: record allocation stacks (from the first line with -- node app.js); slower allocation' })
      .parserConfiguration({ 'populate--': true })
      .middleware(expandFileArguments, true)
      .check((args) => {
        // (Directories are their snapshots already: see expandFileArguments.)
        const files = (args.files as string[] | undefined) ?? [];
        const command = (args['--'] as string[] | undefined) ?? [];
        const sources = [args.inspect !== undefined, args.pid !== undefined, command.length > 0].filter(Boolean).length;
        if (sources > 1 || (sources === 1 && files.length > 0)) throw new UsageError('give snapshot files, or one of --inspect HOST:PORT, --pid PID, -- node app.js to watch live');
        if (sources === 0) {
          if (files.length === 0 && args.port !== undefined) throw new UsageError('--port goes with --pid (the inspector port of the process to watch)');
          if (files.length === 0) throw new UsageError('ui needs a snapshot file (2 or more of one process to compare them and find leaks), or a process: --pid PID, --inspect HOST:PORT or -- node app.js');
          if (args.port !== undefined) throw new UsageError('--port goes with --pid (the inspector port of the process to watch)');
          const given = ['dir'].filter((flag) => args[flag] !== undefined);
          if (args.trackAllocations) given.push('track-allocations');
          if (given.length > 0) throw new UsageError(`--${given[0]} is for watching a process live (with --pid, --inspect or -- node app.js), not for snapshot files`);
          if (files.includes(STDIN_ARGUMENT)) throw new UsageError('ui reads its keys from the terminal, so it cannot read a snapshot from standard input ("-"): save the snapshot to a file and open that');
          checkDistinctFiles(files);
        } else {
          if (args.port !== undefined && args.pid === undefined) throw new UsageError('--port goes with --pid (the inspector port of the process to watch)');
          checkNodeCommand(command);
          checkPid(args.pid);
          checkPort(args.port);
        }
        return true;
      })
      .example('$0 ui heap.heapsnapshot', 'browse one snapshot: classes, their objects, retainers')
      .example('$0 ui s0.heapsnapshot s1.heapsnapshot s2.heapsnapshot', 'with a Comparison (s1 → s2) and a Leaks tab')
      .example('$0 ui -- node server.js', 'start server.js; press s to take a snapshot, again after some load')
      .epilogue('Keys: arrows move, Enter opens, Esc goes back, Tab switches tabs, / filters, ? lists every key, q quits.') as unknown as Argv<UiArgs>,
  handler: async (args: ArgumentsCamelCase<UiArgs>) => {
    // A full-screen UI needs a terminal on both ends: say what to use instead.
    const notTerminal = !process.stdout.isTTY ? 'stdout' : !process.stdin.isTTY ? 'stdin' : undefined;
    if (notTerminal) {
      throw new UsageError(`ui needs a terminal, and ${notTerminal} is not one: for text, JSON or Markdown use "heapdiff summary", "heapdiff diff" or "heapdiff leaks"`);
    }
    if (process.env['TERM'] === 'dumb') {
      throw new UsageError('ui needs a terminal that can move its cursor, and TERM is "dumb": for text use "heapdiff summary", "heapdiff diff" or "heapdiff leaks"');
    }
    const { runUi } = await import('../ui/run-ui.js');
    const command = args['--'] ?? [];
    const live = args.inspect !== undefined || args.pid !== undefined || command.length > 0;
    await runUi(
      live
        ? {
            live: {
              command,
              pid: args.pid,
              port: args.port,
              inspect: args.inspect,
              dir: args.dir,
              allowRemote: args.allowRemote,
              trackAllocations: args.trackAllocations,
            },
          }
        : { files: args.files ?? [] },
    );
  },
};
