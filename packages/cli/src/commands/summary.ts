import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { UsageError } from '@heapdiff/core';

interface SummaryArgs {
  file: string;
  top: number | undefined;
  sort: 'retained' | 'size' | 'count' | 'name' | undefined;
  filter: string | undefined;
  json: boolean;
  shallow: boolean;
  byName: boolean;
}

/** `heapdiff summary <file>`: the type / count / size table of one snapshot. */
export const summaryCommand: CommandModule<object, SummaryArgs> = {
  command: 'summary <file>',
  describe: 'Count objects and their sizes per class in one heap snapshot',
  builder: (yargs: Argv) =>
    yargs
      .positional('file', {
        type: 'string',
        describe: 'a .heapsnapshot file (gzip-compressed is fine)',
        demandOption: true,
      })
      .option('top', { type: 'number', describe: 'show only the first N classes' })
      .option('sort', {
        choices: ['retained', 'size', 'count', 'name'] as const,
        describe: 'order by retained size (default), shallow size, object count or class name',
      })
      .option('shallow', {
        type: 'boolean',
        default: false,
        describe: 'skip retained sizes (no dominator tree): faster on big files',
      })
      .option('by-name', {
        type: 'boolean',
        default: false,
        describe: 'group by class name only: plain objects under Object, same-named constructors together',
      })
      .option('filter', { type: 'string', describe: 'only classes whose name contains this text (any case)' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON (schema heapdiff/summary@1)' })
      .check((args) => {
        if (args.top !== undefined && (!Number.isInteger(args.top) || args.top < 1)) {
          throw new UsageError(`--top must be a whole number of at least 1, got ${String(args.top)}`);
        }
        if (args.shallow && args.sort === 'retained') {
          throw new UsageError('--sort retained needs retained sizes; leave out --shallow');
        }
        return true;
      })
      .example('$0 summary app.heapsnapshot --top 20', 'the 20 classes taking the most memory')
      .example('$0 summary app.heapsnapshot --filter session --json', 'classes named like "session", as JSON') as unknown as Argv<SummaryArgs>,
  handler: async (args: ArgumentsCamelCase<SummaryArgs>) => {
    const { summarizeClasses, viewSummary } = await import('@heapdiff/core');
    const { renderSummaryText, toSummaryJson } = await import('@heapdiff/reporter');
    const { loadGraph } = await import('../load-graph.js');
    const graph = await loadGraph(args.file, { analyze: !args.shallow });
    const summary = viewSummary(summarizeClasses(graph, { retained: !args.shallow, groupBy: args.byName ? 'name' : 'shape' }), {
      sort: args.sort ?? (args.shallow ? 'size' : 'retained'),
      ...(args.filter === undefined ? {} : { filter: args.filter }),
    });
    const top = args.top;
    if (args.json) {
      const json = toSummaryJson({
        summary,
        file: args.file,
        nodeCount: graph.nodeCount,
        edgeCount: graph.edgeCount,
        ...(top === undefined ? {} : { top }),
      });
      process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    } else {
      process.stdout.write(renderSummaryText(summary, top === undefined ? {} : { top }));
    }
  },
};
