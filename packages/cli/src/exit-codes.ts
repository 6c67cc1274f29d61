/** Process exit codes of `heapdiff`, documented in the README. */
export const ExitCode = {
  /** The command did what was asked. */
  Ok: 0,
  /** `heapdiff leaks` reported at least one leak. */
  LeaksFound: 1,
  /** Bad flags or arguments, an input that cannot be read as a heap snapshot, or output that cannot be written. */
  UsageOrInput: 2,
  /** A bug in heapdiff. */
  Internal: 3,
} as const;
