import { readFileSync } from 'node:fs';
import { HeapdiffError, UsageError } from '@heapdiff/core/errors';
import yargs, { type CommandModule } from 'yargs';
import { closeNames, orList } from './close-names.js';
import { diffCommand } from './commands/diff.js';
import { inspectCommand } from './commands/inspect.js';
import { leaksCommand } from './commands/leaks.js';
import { snapshotCommand } from './commands/snapshot.js';
import { summaryCommand } from './commands/summary.js';
import { uiCommand } from './commands/ui.js';
import { hideDashArguments, restoreDashArguments } from './dash-argument.js';
import { ExitCode } from './exit-codes.js';

// Each module types its own arguments; the list only needs what every command module has.
const COMMANDS = [summaryCommand, diffCommand, leaksCommand, inspectCommand, snapshotCommand, uiCommand] as unknown as CommandModule[];
const NO_COMMAND = 'Name a command; see the list above.';

/**
 * Runs `heapdiff` with the given arguments and resolves with the exit code. Results go to
 * stdout; errors and progress to stderr.
 *
 * @example process.exitCode = await runCli(process.argv.slice(2))
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  let noCommand = false;
  const cli = yargs(hideDashArguments(argv))
    .middleware(restoreDashArguments, true)
    .middleware((args) => refuseNotNumbers(args, argv))
    .scriptName('heapdiff')
    .usage('$0 <command> [options]\n\nFind memory leaks in Node.js programs from V8 heap snapshots.')
    .command(COMMANDS)
    .demandCommand(1, NO_COMMAND)
    .strict()
    // Our own messages are English; yargs' would follow $LANG, half a line in each language,
    // and the "did you mean" below reads yargs' English.
    .locale('en')
    .help()
    .alias('help', 'h')
    .version(cliVersion())
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .epilogue('Exit codes: 0 success, 1 leaks found (heapdiff leaks), 2 usage, input or output error, 3 internal error.')
    .fail((message, error) => {
      noCommand = !error && message === NO_COMMAND;
      // Stop here: yargs would otherwise go on to run the command after a usage error. (Its own
      // errors, such as an option given no value, are usage errors too.)
      if (error && error.name !== 'YError') throw error;
      const text = message ?? error?.message ?? 'the arguments could not be read';
      throw didYouMean(text, argv, optionsOf(cli)) ?? new UsageError(text);
    });
  try {
    const parsed = await cli.parseAsync();
    // A command sets `exitCode` on its arguments when success has shades (`leaks`: 1 when it found some).
    return typeof parsed['exitCode'] === 'number' ? parsed['exitCode'] : ExitCode.Ok;
  } catch (error) {
    if (noCommand) {
      // The list the message points at.
      process.stderr.write(`${await cli.getHelp()}\n\nheapdiff: ${NO_COMMAND}\n`);
      return ExitCode.UsageOrInput;
    }
    return reportError(error);
  }
}

/**
 * A number option given text that is no number (`--top abc`): yargs reads it as NaN, which
 * each command's check would show as "got NaN"; refused here with the text as given.
 */
function refuseNotNumbers(args: Record<string, unknown>, argv: readonly string[]): void {
  for (const [key, value] of Object.entries(args)) {
    // (yargs gives each dashed option a camelCase twin: the dashed one is named.)
    if (!Number.isNaN(value) || typeof value !== 'number' || /[A-Z]/.test(key)) continue;
    const at = argv.findIndex((arg) => arg === `--${key}` || arg.startsWith(`--${key}=`));
    const given = at < 0 ? undefined : argv[at]!.includes('=') ? argv[at]!.slice(argv[at]!.indexOf('=') + 1) : argv[at + 1];
    throw new UsageError(`--${key} takes a number, got ${given === undefined ? 'none' : JSON.stringify(given)}`);
  }
}

/** The options yargs knows at this point of the parse: the command's own, once its builder ran. */
function optionsOf(cli: object): string[] {
  // getOptions() is public in yargs 18 but missing from @types/yargs 17.
  return Object.keys((cli as { getOptions(): { key: Record<string, unknown> } }).getOptions().key);
}

/** The version of @heapdiff/cli: one small synchronous read, so that `--help` stays instant. */
function cliVersion(): string {
  // src/cli.ts, dist/cli.js and the bundle (bundle/heapdiff.js) all sit one level below the package.
  const json = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return json.version;
}

/**
 * yargs' "Unknown argument: summry" as a suggestion, when a command or option is a few
 * letters off one that exists: `unknown command "summry"; did you mean "summary"?`.
 * `options` are the options of the command being parsed (or the global ones).
 */
function didYouMean(message: string, argv: readonly string[], options: readonly string[]): UsageError | undefined {
  const unknown = /^Unknown arguments?: (.+)$/.exec(message)?.[1]?.split(', ');
  if (!unknown) return undefined;
  const commands = COMMANDS.map((command) => String(command.command).split(' ')[0]!);
  // Global options are only flags, so the first word that is not one names the command.
  const first = argv.find((arg) => !arg.startsWith('-'));
  if (first !== undefined && !commands.includes(first) && unknown.includes(first)) {
    const near = closeNames(first, commands, 1);
    return near.length === 0 ? undefined : new UsageError(`unknown command "${first}"; did you mean ${orList(near)}?`, { seeHelp: false });
  }
  for (const name of unknown) {
    // yargs names an unknown option without its dashes; it was an option only if the command line has it with them.
    if (name.length < 2 || !argv.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`))) continue;
    const near = closeNames(name, options.filter((option) => option.length > 1), 1);
    if (near.length > 0) return new UsageError(`unknown option --${name}; did you mean --${near[0]!}?`, { seeHelp: false });
  }
  return undefined;
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
