import { HeapdiffError, UsageError } from '@heapdiff/core';
import yargs from 'yargs';
import { inspectCommand } from './commands/inspect.js';
import { snapshotCommand } from './commands/snapshot.js';
import { summaryCommand } from './commands/summary.js';
import { ExitCode } from './exit-codes.js';

/**
 * Runs `heapdiff` with the given arguments and resolves with the exit code. Results go to
 * stdout; errors and progress to stderr.
 *
 * @example process.exitCode = await runCli(process.argv.slice(2))
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const cli = yargs([...argv])
    .scriptName('heapdiff')
    .usage('$0 <command> [options]\n\nFind memory leaks in Node.js programs from V8 heap snapshots.')
    .command(summaryCommand)
    .command(inspectCommand)
    .command(snapshotCommand)
    .demandCommand(1, 'Name a command; see the list above.')
    .strict()
    .recommendCommands()
    .help()
    .alias('help', 'h')
    .version()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .epilogue('Exit codes: 0 success, 2 usage or input error, 3 internal error (1 is kept for "leaks found").')
    .fail((message, error) => {
      // Stop here: yargs would otherwise go on to run the command after a usage error.
      throw error ?? new UsageError(message);
    });
  try {
    await cli.parseAsync();
  } catch (error) {
    return reportError(error);
  }
  return ExitCode.Ok;
}

function reportError(error: unknown): number {
  if (error instanceof HeapdiffError) {
    process.stderr.write(`heapdiff: ${error.message}\n`);
    return ExitCode.UsageOrInput;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(
    `heapdiff: internal error. This is a bug in heapdiff; please report it with the output below.\n${detail}\n`,
  );
  return ExitCode.Internal;
}
