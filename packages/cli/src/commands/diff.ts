import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { DiffSortKey } from '@heapdiff/core';
import { UsageError } from '@heapdiff/core/errors';
import { checkDistinctFiles, checkFilesExist, isDirectory } from '../file-arguments.js';
import { shellQuoted } from '../shell-quote.js';

const SORTS = ['size-delta', 'count-delta', 'new', 'deleted', 'alloc', 'freed', 'retained-delta', 'name'] as const satisfies readonly DiffSortKey[];

interface DiffArgs {
  base: string;
  current: string;
  top: number | undefined;
  sort: DiffSortKey | undefined;
  filter: string | undefined;
  json: boolean | undefined;
  markdown: boolean | undefined;
  retained: boolean;
}

/** `heapdiff diff <base> <current>`: DevTools' Comparison view of two snapshots of one process. */
export const diffCommand: CommandModule<object, DiffArgs> = {
  command: 'diff <base> <current>',
  describe: 'Compare two snapshots of one process: new and deleted objects per class',
  builder: (yargs: Argv) =>
    yargs
      .positional('base', { type: 'string', describe: 'the earlier .heapsnapshot (gzip is fine)', demandOption: true })
      .positional('current', { type: 'string', describe: 'the later .heapsnapshot of the same process', demandOption: true })
      .option('top', { type: 'number', describe: 'show only the first N classes' })
      .option('sort', { choices: SORTS, describe: 'order of the rows (default: size-delta, biggest growth first)' })
      .option('filter', { type: 'string', describe: 'only classes whose name contains this text (any case)' })
      .option('retained', { type: 'boolean', default: false, describe: 'add the retained-size delta per class (analyses both snapshots: slower)' })
      .option('json', { type: 'boolean', describe: 'print JSON (schema heapdiff/diff@1)' })
      .option('markdown', { type: 'boolean', describe: 'print Markdown (for a pull-request comment)' })
      .conflicts('json', 'markdown')
      .check((args) => {
        if (args.top !== undefined && (!Number.isInteger(args.top) || args.top < 1)) {
          throw new UsageError(`--top must be a whole number of at least 1, got ${String(args.top)}`);
        }
        if (args.sort === 'retained-delta' && !args.retained) throw new UsageError('--sort retained-delta needs --retained');
        // A missing file or a directory is named as such first, not as "given twice"; a snapshot
        // against itself would print an empty table, as if nothing had changed.
        const files = [String(args.base), String(args.current)];
        checkFilesExist(files);
        const directory = files.find(isDirectory);
        if (directory !== undefined) {
          throw new UsageError(`${directory} is a directory, not a heap snapshot file: diff compares two files (for a directory of snapshots, use "heapdiff leaks ${shellQuoted(directory)}")`, { seeHelp: false });
        }
        checkDistinctFiles(files);
        return true;
      })
      .example('$0 diff before.heapsnapshot after.heapsnapshot --top 20', 'the 20 classes that grew most')
      .example('$0 diff a.heapsnapshot b.heapsnapshot --markdown > diff.md', 'a table for a pull request') as Argv<DiffArgs>,
  handler: async (args: ArgumentsCamelCase<DiffArgs>) => {
    const { diffSnapshots, viewDiff } = await import('@heapdiff/core');
    const { renderDiffText, renderDiffMarkdown, toDiffJson } = await import('@heapdiff/reporter');
    const { loadSeries } = await import('../load-series.js');
    const { earlier, last } = await loadSeries([args.base, args.current], { retained: args.retained });
    const all = diffSnapshots(earlier[0]!, last, { retained: args.retained });
    const diff = viewDiff(all, {
      sort: args.sort ?? 'size-delta',
      ...(args.filter === undefined ? {} : { filter: args.filter }),
    });
    const top = args.top;
    if (args.filter !== undefined && diff.rows.length === 0 && !args.json) {
      // An empty table would read as snapshots that hold the same.
      process.stdout.write(`No class that changed has a name containing ${JSON.stringify(args.filter)} (in any case), of the ${all.rows.length} that changed: drop --filter to list them\n`);
    } else if (args.json) {
      const json = toDiffJson({ diff, baseFile: args.base, currentFile: args.current, ...(top === undefined ? {} : { top }) });
      process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    } else if (args.markdown) {
      process.stdout.write(renderDiffMarkdown(diff, { baseFile: args.base, currentFile: args.current, ...(top === undefined ? {} : { top }) }));
    } else {
      const colour = Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'];
      process.stdout.write(renderDiffText(diff, { colour, ...(top === undefined ? {} : { top }) }));
    }
  },
};
