/**
 * A lone `-` on the command line means standard input (a snapshot to read) or standard output
 * (`snapshot -o -`). yargs reads it as a flag and drops it (or makes it `""` or `true`), so
 * `runCli` renames it to a placeholder before parsing and back to `-` right after: the
 * commands see `-`. NUL cannot occur in a real argument, so no file name is taken for it.
 */
const PLACEHOLDER = '\0-';

/** The command line with each lone `-` before `--` renamed for yargs. */
export function hideDashArguments(argv: readonly string[]): string[] {
  const end = argv.indexOf('--');
  return argv.map((arg, i) => (arg === '-' && (end < 0 || i < end) ? PLACEHOLDER : arg));
}

/** yargs middleware: every parsed value that was a lone `-` is `-` again. */
export function restoreDashArguments(argv: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(argv)) {
    if (value === PLACEHOLDER) argv[key] = '-';
    else if (Array.isArray(value) && value.includes(PLACEHOLDER)) argv[key] = value.map((item) => (item === PLACEHOLDER ? '-' : item));
  }
}
