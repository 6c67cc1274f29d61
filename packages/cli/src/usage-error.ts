import { HeapdiffError } from '@heapdiff/core';

/** A problem with the command line itself: a bad flag value, a missing argument. */
export class UsageError extends HeapdiffError {
  constructor(message: string) {
    // One line, whatever yargs wrote: the problem, then where to look.
    super('HEAPDIFF_USAGE', `${message.replace(/\s*\n\s*/g, ' ').trim()} (see "heapdiff --help")`);
  }
}
