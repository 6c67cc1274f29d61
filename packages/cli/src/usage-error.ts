import { HeapdiffError } from '@heapdiff/core';

/** A problem with the command line itself: a bad flag value, a missing argument. */
export class UsageError extends HeapdiffError {
  constructor(message: string) {
    super('HEAPDIFF_USAGE', `${message}\nRun "heapdiff --help" for usage.`);
  }
}
