import { ExitCode } from './exit-codes.js';

/**
 * What happens when the output cannot be written. A reader that went away (`heapdiff leaks … |
 * head -3`) is let go: the command finishes and exits with its own code (1 when it found leaks).
 * Any other failure (a full disk, an I/O error) is one line on stderr and exit code 2 — never an
 * unhandled 'error' event with a stack, and never 1, which a CI job would read as "leaks found".
 * A command that handles its own output's errors (`snapshot -o -`, the UI) keeps doing so.
 */
export function handleStdoutErrors(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || process.stdout.listenerCount('error') > 1) return;
    process.stderr.write(`heapdiff: cannot write the output to standard output: ${error.message}\n`);
    process.exit(ExitCode.UsageOrInput);
  });
}
