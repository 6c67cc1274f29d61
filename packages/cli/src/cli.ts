import { HeapdiffError, UsageError } from '@heapdiff/core';
import yargs from 'yargs';
import { diffCommand } from './commands/diff.js';
import { inspectCommand } from './commands/inspect.js';
import { leaksCommand } from './commands/leaks.js';
import { snapshotCommand } from './commands/snapshot.js';
import { summaryCommand } from './commands/summary.js';
import { uiCommand } from './commands/ui.js';
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
    .command(diffCommand)
    .command(leaksCommand)
    .command(inspectCommand)
    .command(snapshotCommand)
    .command(uiCommand)
    .demandCommand(1, 'Name a command; see the list above.')
    .strict()
    .recommendCommands()
    .help()
    .alias('help', 'h')
    .version()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .epilogue('Exit codes: 0 success, 1 leaks found (heapdiff leaks), 2 usage or input error, 3 internal error.')
    .fail((message, error) => {
      // Stop here: yargs would otherwise go on to run the command after a usage error.
      throw error ?? new UsageError(message);
    });
  try {
    const argv = await cli.parseAsync();
    // A command sets `exitCode` on its arguments when success has shades (`leaks`: 1 when it found some).
    return typeof argv['exitCode'] === 'number' ? argv['exitCode'] : ExitCode.Ok;
  } catch (error) {
    return reportError(error);
  }
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
