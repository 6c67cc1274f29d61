import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { UsageError } from '@heapdiff/core/errors';

interface InspectArgs {
  file: string;
  id: string;
  json: boolean;
  retainers: number;
  dominated: number;
}

/** The id of a node as people write it: `@1234` or `1234`. */
function parseNodeId(text: string): number {
  const match = /^@?(\d+)$/.exec(text.trim());
  if (!match) throw new UsageError(`"${text}" is not a node id; write it as @1234 (the number DevTools shows after @)`);
  return Number(match[1]);
}

/** `heapdiff inspect <file> @ID`: one object, what keeps it alive and what it keeps alive. */
export const inspectCommand: CommandModule<object, InspectArgs> = {
  command: 'inspect <file> <id>',
  describe: 'Show one object: sizes, retainer path, retainers, dominators, what it dominates',
  builder: (yargs: Argv) =>
    yargs
      .positional('file', { type: 'string', describe: 'a .heapsnapshot file, or - for standard input', demandOption: true })
      .positional('id', { type: 'string', describe: 'the node id, as @1234 or 1234', demandOption: true })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON (schema heapdiff/inspect@1)' })
      .option('retainers', { type: 'number', default: 10, describe: 'how many retainers to list' })
      .option('dominated', { type: 'number', default: 10, describe: 'how many dominated objects to list' })
      .check((args) => {
        parseNodeId(String(args.id));
        for (const flag of ['retainers', 'dominated'] as const) {
          const value = args[flag];
          if (!Number.isInteger(value) || value < 0) throw new UsageError(`--${flag} must be a whole number, got ${String(value)}`);
        }
        return true;
      })
      .example('$0 inspect app.heapsnapshot @1234', 'why is object @1234 still alive?') as Argv<InspectArgs>,
  handler: async (args: ArgumentsCamelCase<InspectArgs>) => {
    const { describeNode, NodeNotFoundError } = await import('@heapdiff/core');
    const { renderNodeText, shellWord, toInspectJson } = await import('@heapdiff/reporter');
    const { loadGraph } = await import('../load-graph.js');
    const id = parseNodeId(args.id);
    const graph = await loadGraph(args.file);
    const node = graph.ordinalOfId(id);
    if (node < 0) throw new NodeNotFoundError(id, args.file, `find one with heapdiff summary ${shellWord(args.file)} --instances CLASS`);
    const report = describeNode(graph, node, { retainers: args.retainers, dominated: args.dominated });
    process.stdout.write(args.json ? `${JSON.stringify(toInspectJson(report, args.file), null, 2)}\n` : renderNodeText(report));
  },
};
