import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { UsageError } from '@heapdiff/core/errors';

interface SummaryArgs {
  file: string;
  top: number | undefined;
  sort: 'retained' | 'size' | 'count' | 'name' | undefined;
  filter: string | undefined;
  json: boolean;
  shallow: boolean;
  byName: boolean;
  instances: string | undefined;
}

/** How many objects `--instances` lists without --top. */
const DEFAULT_INSTANCES = 20;

/** `heapdiff summary <file>`: the type / count / size table of one snapshot. */
export const summaryCommand: CommandModule<object, SummaryArgs> = {
  command: 'summary <file>',
  describe: 'Count objects and their sizes per class in one heap snapshot',
  builder: (yargs: Argv) =>
    yargs
      .positional('file', {
        type: 'string',
        describe: 'a .heapsnapshot file (gzip-compressed is fine), or - for standard input',
        demandOption: true,
      })
      .option('top', { type: 'number', describe: 'show only the first N classes (with --instances: N objects, default 20)' })
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
      .option('instances', {
        type: 'string',
        describe: `list the biggest objects of this class with their @ids, for "heapdiff inspect" (the first ${DEFAULT_INSTANCES} unless --top)`,
      })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON (schema heapdiff/summary@1; with --instances heapdiff/instances@1)' })
      .check((args) => {
        if (args.top !== undefined && (!Number.isInteger(args.top) || args.top < 1)) {
          throw new UsageError(`--top must be a whole number of at least 1, got ${String(args.top)}`);
        }
        if (args.shallow && args.sort === 'retained') {
          throw new UsageError('--sort retained needs retained sizes; leave out --shallow');
        }
        if (args.instances !== undefined) {
          if (Array.isArray(args.instances)) throw new UsageError('--instances takes one class: give it once');
          // --shallow has a default, so yargs' conflicts() would always fire: checked here.
          const other = (['sort', 'filter', 'shallow'] as const).find((flag) => args[flag] !== undefined && args[flag] !== false);
          if (other) throw new UsageError(`--instances lists one class's objects, biggest retained size first; leave out --${other}`);
          if (String(args.instances).trim() === '') throw new UsageError('--instances needs a class name, as the summary shows it: --instances Session');
        }
        return true;
      })
      .example('$0 summary app.heapsnapshot --top 20', 'the 20 classes taking the most memory')
      .example('$0 summary app.heapsnapshot --filter session --json', 'classes named like "session", as JSON')
      .example('$0 summary app.heapsnapshot --instances Session', 'the 20 biggest Session objects and their @ids') as unknown as Argv<SummaryArgs>,
  handler: async (args: ArgumentsCamelCase<SummaryArgs>) => {
    if (args.instances !== undefined) return printInstances(args, args.instances);
    const { summarizeClasses, viewSummary } = await import('@heapdiff/core');
    const { renderSummaryText, toSummaryJson } = await import('@heapdiff/reporter');
    const { loadGraph } = await import('../load-graph.js');
    // The summary shows no distances: only the dominator tree is computed.
    const graph = await loadGraph(args.file, { analyze: !args.shallow, distances: false });
    const all = summarizeClasses(graph, { retained: !args.shallow, groupBy: args.byName ? 'name' : 'shape' });
    const summary = viewSummary(all, {
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
    } else if (args.filter !== undefined && summary.rows.length === 0) {
      // An empty table would read as an empty snapshot.
      process.stdout.write(`No class name contains ${JSON.stringify(args.filter)} (in any case), of the ${all.rows.length} classes in ${args.file}: drop --filter to list them\n`);
    } else {
      process.stdout.write(renderSummaryText(summary, top === undefined ? {} : { top }));
    }
  },
};

/** `--instances CLASS`: the class's biggest objects, by retained size, with their ids. */
async function printInstances(args: ArgumentsCamelCase<SummaryArgs>, className: string): Promise<void> {
  const { renderInstancesText, toInstancesJson } = await import('@heapdiff/reporter');
  const { loadGraph } = await import('../load-graph.js');
  const { classInstances } = await import('../class-instances.js');
  const graph = await loadGraph(args.file);
  const list = classInstances(graph, className, { top: args.top ?? DEFAULT_INSTANCES, grouping: args.byName ? 'name' : 'shape', file: args.file });
  process.stdout.write(args.json ? `${JSON.stringify(toInstancesJson(list, args.file), null, 2)}\n` : renderInstancesText(list, { file: args.file }));
}
