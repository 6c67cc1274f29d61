import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { UsageError } from '@heapdiff/core';
import { ExitCode } from '../exit-codes.js';

interface LeaksArgs {
  files: string[];
  json: boolean | undefined;
  markdown: boolean | undefined;
  minCount: number | undefined;
  minRetained: number | undefined;
  ignore: string[] | undefined;
  top: number | undefined;
  exitCode?: number;
}

/** `heapdiff leaks <s0> <s1> [s2 …]`: what grows across snapshots of one process, and what holds it. */
export const leaksCommand: CommandModule<object, LeaksArgs> = {
  command: 'leaks <files..>',
  describe: 'Find leaks in 3 or more snapshots of one process (baseline, then one after each round of the same work)',
  builder: (yargs: Argv) =>
    yargs
      .positional('files', { type: 'string', array: true, describe: '.heapsnapshot files of one process, oldest first', demandOption: true })
      .option('min-count', { type: 'number', describe: 'report only leaks of at least N objects' })
      .option('min-retained', { type: 'number', describe: 'report only leaks retaining at least N bytes' })
      .option('ignore', { type: 'string', array: true, describe: 'leave out leaks whose class, holder or path contains this text (repeatable)' })
      .option('top', { type: 'number', describe: 'show only the N biggest leaks in full' })
      .option('json', { type: 'boolean', describe: 'print JSON (schema heapdiff/leaks@1)' })
      .option('markdown', { type: 'boolean', describe: 'print Markdown (for a pull-request comment)' })
      .conflicts('json', 'markdown')
      .check((args) => {
        const files = args.files as string[];
        if (files.length < 3) {
          throw new UsageError(`leaks needs at least 3 snapshots (a baseline, then one after each of two or more rounds of the same work), got ${files.length}; to compare two, use "heapdiff diff"`);
        }
        for (const [flag, value] of [['--min-count', args['minCount']], ['--min-retained', args['minRetained']]] as [string, unknown][]) {
          if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) throw new UsageError(`${flag} must be a whole number from 0, got ${String(value)}`);
        }
        if (args.top !== undefined && (!Number.isInteger(args.top) || args.top < 1)) throw new UsageError(`--top must be a whole number of at least 1, got ${String(args.top)}`);
        return true;
      })
      .example('$0 leaks s0.heapsnapshot s1.heapsnapshot s2.heapsnapshot', 'what grows from s0 to s2, and what holds it')
      .example('$0 leaks s*.heapsnapshot --json > leaks.json', 'the same as JSON')
      .epilogue('Exit codes: 0 no leak, 1 leaks reported, 2 usage or input error.') as unknown as Argv<LeaksArgs>,
  handler: async (args: ArgumentsCamelCase<LeaksArgs>) => {
    const { findLeaks } = await import('@heapdiff/core');
    const { renderLeaksText, renderLeaksMarkdown, toLeaksJson } = await import('@heapdiff/reporter');
    const { loadSeries } = await import('../load-series.js');
    const { earlier, last } = await loadSeries(args.files);
    const report = findLeaks([...earlier, last], {
      ...(args.minCount === undefined ? {} : { minCount: args.minCount }),
      ...(args.minRetained === undefined ? {} : { minRetainedSize: args.minRetained }),
      ...(args.ignore === undefined ? {} : { ignore: args.ignore }),
    });
    const top = args.top;
    if (args.json) process.stdout.write(`${JSON.stringify(toLeaksJson(report, args.files), null, 2)}\n`);
    else if (args.markdown) process.stdout.write(renderLeaksMarkdown(report, top === undefined ? {} : { top }));
    else {
      const colour = Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'];
      process.stdout.write(renderLeaksText(report, { colour, files: args.files, ...(top === undefined ? {} : { top }) }));
    }
    args.exitCode = report.leaks.length > 0 ? ExitCode.LeaksFound : ExitCode.Ok;
  },
};
