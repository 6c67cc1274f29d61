import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { UsageError } from '@heapdiff/core/errors';
import { parseByteSize } from '../byte-size.js';
import { checkNodeCommand, checkPid, checkPort, parseDuration } from '../capture-target.js';
import { ExitCode } from '../exit-codes.js';
import { checkDistinctFiles, checkFilesExist, expandFileArguments } from '../file-arguments.js';
import { shellQuoted } from '../shell-quote.js';
import { dirname } from 'node:path';

interface LeaksArgs {
  files: string[] | undefined;
  '--': string[] | undefined;
  inspect: string | undefined;
  pid: number | undefined;
  port: number | undefined;
  snapshots: number | undefined;
  interval: string | undefined;
  between: string | undefined;
  dir: string | undefined;
  allowRemote: boolean | undefined;
  trackAllocations: boolean;
  json: boolean | undefined;
  markdown: boolean | undefined;
  minCount: number | undefined;
  minRetained: string | undefined;
  ignore: string[] | undefined;
  top: number | undefined;
  exitCode?: number;
}

/** `heapdiff leaks <s0> <s1> [s2 …]`: what grows across snapshots of one process, and what holds it. */
export const leaksCommand: CommandModule<object, LeaksArgs> = {
  command: 'leaks [files..]',
  describe: 'Find leaks in 3 or more snapshots of one process (baseline, then one after each round of the same work)',
  builder: (yargs: Argv) =>
    yargs
      .positional('files', {
        type: 'string',
        array: true,
        describe: '.heapsnapshot files of one process, oldest first, or a directory of them (read in name order: s2 before s10)',
      })
      .option('inspect', { type: 'string', describe: 'capture from a process started with --inspect (HOST:PORT)' })
      .option('pid', { type: 'number', describe: 'capture from a running Node process (its inspector turned on with SIGUSR1)' })
      .option('port', { type: 'number', describe: 'with --pid: the inspector port the process uses (default 9229)' })
      // (No yargs defaults here: given with snapshot files, these are refused, not ignored.)
      .option('snapshots', { type: 'number', describe: 'when capturing: how many snapshots (3 to 1000; default 3)' })
      .option('interval', { type: 'string', describe: 'when capturing: wait this long before each snapshot (500ms, 30s, 2m, 1h); else Enter or SIGUSR2' })
      .option('between', { type: 'string', describe: 'when capturing: a shell command run before each snapshot after the first (the load; $HEAPDIFF_PID is the process)' })
      .option('dir', { type: 'string', describe: 'when capturing: the directory for the snapshots (default ./heapdiff-leaks-DATE)' })
      .option('allow-remote', { type: 'boolean', describe: 'allow a non-loopback --inspect host (the inspector controls the process)' })
      .option('track-allocations', { type: 'boolean', default: false, describe: 'when capturing: record allocation stacks (from the first line with -- node app.js); slower allocation' })
      .parserConfiguration({ 'populate--': true })
      .middleware(expandFileArguments, true)
      .option('min-count', { type: 'number', describe: 'report only leaks of at least N objects' })
      .option('min-retained', {
        type: 'string',
        describe: 'report only leaks retaining at least this much (bytes, or 500kB, 2MB, 1GiB)',
      })
      // (One value each time: as an array option it would take the snapshot files after it too.)
      .option('ignore', { type: 'string', array: true, nargs: 1, describe: 'leave out leaks whose class or holder contains this text (repeatable)' })
      .option('top', { type: 'number', describe: 'show only the N biggest leaks in full' })
      .option('json', { type: 'boolean', describe: 'print JSON (schema heapdiff/leaks@1)' })
      .option('markdown', { type: 'boolean', describe: 'print Markdown (for a pull-request comment)' })
      .conflicts('json', 'markdown')
      .check((args) => {
        // (Directories are their snapshots already: see expandFileArguments.)
        const files = (args.files as string[] | undefined) ?? [];
        const command = (args['--'] as string[] | undefined) ?? [];
        const sources = [args.inspect !== undefined, args.pid !== undefined, command.length > 0].filter(Boolean).length;
        if (sources > 1 || (sources === 1 && files.length > 0)) throw new UsageError('give snapshot files, or one of --inspect HOST:PORT, --pid PID, -- node app.js to take them');
        if (sources === 1) {
          const snapshots = args.snapshots ?? 3;
          if (!Number.isInteger(snapshots) || (snapshots as number) < 3 || (snapshots as number) > 1000) throw new UsageError(`--snapshots must be a whole number from 3 to 1000, got ${String(snapshots)}`);
          checkPort(args.port);
          checkNodeCommand(command);
          checkPid(args.pid);
          if (args.between !== undefined && String(args.between).trim() === '') throw new UsageError('--between needs a command: the load to run before each snapshot after the first');
          if (args.dir !== undefined && String(args.dir).trim() === '') throw new UsageError('--dir needs a directory name (without it: ./heapdiff-leaks-DATE)');
          if (args.interval !== undefined) parseDuration(args.interval as string, '--interval');
        } else {
          if (files.length === 0) {
            throw new UsageError('leaks needs 3 or more snapshot files (a baseline, then one after each round of the same work), or a process to take them from: --pid PID, --inspect HOST:PORT or -- node app.js');
          }
          if (files.length < 3) {
            // A missing file, rather than a count it was part of; the files named (a directory's).
            checkFilesExist(files);
            const got = files.length === 1 ? `1 (${shellQuoted(files[0]!)})` : String(files.length);
            const diff = files.length === 2 ? `heapdiff diff ${files.map(shellQuoted).join(' ')}` : 'heapdiff diff';
            throw new UsageError(`leaks needs at least 3 snapshots (a baseline, then one after each of two or more rounds of the same work), got ${got}; to compare two, use "${diff}"`);
          }
          const given = ['interval', 'between', 'dir', 'snapshots', 'port'].filter((flag) => args[flag] !== undefined);
          if (args.trackAllocations) given.push('track-allocations');
          if (args.allowRemote !== undefined) given.push('allow-remote');
          if (given.length > 0) throw new UsageError(`--${given[0]} is for taking snapshots (with --pid, --inspect or -- node app.js), not for snapshot files`);
          checkDistinctFiles(files);
        }
        if (args.minRetained !== undefined) parseByteSize(args.minRetained, '--min-retained');
        const minCount: unknown = args.minCount;
        if (minCount !== undefined && (typeof minCount !== 'number' || !Number.isInteger(minCount) || minCount < 0)) throw new UsageError(`--min-count must be a whole number from 0, got ${String(minCount)}`);
        if (args.top !== undefined && (!Number.isInteger(args.top) || args.top < 1)) throw new UsageError(`--top must be a whole number of at least 1, got ${String(args.top)}`);
        for (const pattern of (args.ignore as string[] | undefined) ?? []) {
          if (typeof pattern !== 'string' || pattern.trim() === '') throw new UsageError('--ignore needs a class name (or part of one); an empty one would leave out every leak');
        }
        // Every file is there and readable before the first is loaded, not minutes later.
        if (sources === 0) checkFilesExist(files);
        return true;
      })
      .example('$0 leaks s0.heapsnapshot s1.heapsnapshot s2.heapsnapshot', 'what grows from s0 to s2, and what holds it')
      .example('$0 leaks heapdiff-leaks-2026-12-02 --json > leaks.json', 'the snapshots of a directory, as JSON')
      .example('$0 leaks s*.heapsnapshot --min-retained 1MB', 'only leaks retaining 1 MB or more')
      .example('$0 leaks --interval 30s -- node server.js', 'start server.js, snapshot it 3 times 30 s apart, report')
      .example("$0 leaks --pid 4242 --between 'npx --yes autocannon -d 10 localhost:3000'", 'snapshot a running server around two rounds of load')
      .epilogue('Exit codes: 0 no leak, 1 leaks reported, 2 usage, input or output error, 3 internal error.') as unknown as Argv<LeaksArgs>,
  handler: async (args: ArgumentsCamelCase<LeaksArgs>) => {
    const { findLeaks, prepareLeaks, CaptureError, SnapshotsUnrelatedError } = await import('@heapdiff/core');
    const { renderLeaksText, renderLeaksMarkdown, toLeaksJson } = await import('@heapdiff/reporter');
    const { loadSeries } = await import('../load-series.js');
    let files = args.files ?? [];
    const command = args['--'] ?? [];
    const capturing = args.inspect !== undefined || args.pid !== undefined || command.length > 0;
    if (capturing) {
      const { captureSeries } = await import('../capture-series.js');
      files = await captureSeries(
        {
          inspect: args.inspect,
          pid: args.pid,
          port: args.port,
          command,
          snapshots: args.snapshots ?? 3,
          interval: args.interval === undefined ? undefined : parseDuration(args.interval, '--interval'),
          between: args.between,
          dir: args.dir,
          allowRemote: args.allowRemote ?? false,
          trackAllocations: args.trackAllocations,
        },
        (line) => process.stderr.write(`${line}\n`),
      );
    }
    // Leak detection needs of the earlier snapshots only their counts per class.
    const { earlier, last } = await loadSeries(files, { perNode: false, alongside: prepareLeaks });
    let report: ReturnType<typeof findLeaks>;
    try {
      report = findLeaks([...earlier, last], {
        ...(args.minCount === undefined ? {} : { minCount: args.minCount }),
        ...(args.minRetained === undefined ? {} : { minRetainedSize: parseByteSize(args.minRetained, '--min-retained') }),
        ...(args.ignore === undefined ? {} : { ignore: args.ignore }),
        names: files,
      });
    } catch (error) {
      // Snapshots heapdiff took itself that hold the same objects: the process did not run.
      if (!capturing || !(error instanceof SnapshotsUnrelatedError) || !/ hold the same objects /.test(error.message)) throw error;
      throw new CaptureError(
        `the process did not run between the snapshots heapdiff took into ${shellQuoted(dirname(files[0]!))} (two of them hold the same objects): ` +
          'is it paused in a debugger (--inspect-brk) or blocked? Let it run, or give it work between snapshots with --between',
        { cause: error },
      );
    }
    const top = args.top;
    if (args.json) {
      const json = toLeaksJson(report, files);
      if (top !== undefined) json.leaks = json.leaks.slice(0, top);
      process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    } else if (args.markdown) process.stdout.write(renderLeaksMarkdown(report, { files, ...(top === undefined ? {} : { top }) }));
    else {
      const colour = Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'];
      process.stdout.write(renderLeaksText(report, { colour, files, ...(top === undefined ? {} : { top }) }));
    }
    args.exitCode = report.leaks.length > 0 ? ExitCode.LeaksFound : ExitCode.Ok;
  },
};
