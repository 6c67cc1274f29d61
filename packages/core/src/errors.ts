import { shown } from './format/shown.js';
/**
 * Every error class heapdiff throws on purpose, with its stable code: the one list of codes.
 * (The README's table of errors is checked against it by a test.)
 */
export const ERROR_CODES = {
  InputReadError: 'HEAPDIFF_INPUT_READ',
  SnapshotFormatError: 'HEAPDIFF_SNAPSHOT_FORMAT',
  SnapshotTruncatedError: 'HEAPDIFF_SNAPSHOT_TRUNCATED',
  SnapshotInconsistentError: 'HEAPDIFF_SNAPSHOT_INCONSISTENT',
  SnapshotEncodingError: 'HEAPDIFF_SNAPSHOT_ENCODING',
  SnapshotTooLargeError: 'HEAPDIFF_SNAPSHOT_TOO_LARGE',
  AbortedError: 'HEAPDIFF_ABORTED',
  NodeNotFoundError: 'HEAPDIFF_NODE_NOT_FOUND',
  CaptureError: 'HEAPDIFF_CAPTURE',
  MemoryLimitError: 'HEAPDIFF_MEMORY_LIMIT',
  HeapDumpRefusedError: 'HEAPDIFF_HEAP_DUMP_REFUSED',
  UsageError: 'HEAPDIFF_USAGE',
  SnapshotsUnrelatedError: 'HEAPDIFF_SNAPSHOTS_UNRELATED',
  InvalidOptionError: 'HEAPDIFF_INVALID_OPTION',
  PressureHandlerError: 'HEAPDIFF_PRESSURE_HANDLER',
} as const;

/** The stable code of a heapdiff error: `err.code` of every {@link HeapdiffError}. */
export type HeapdiffErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/**
 * Every error heapdiff throws on purpose derives from {@link HeapdiffError} and carries a
 * stable `code`, so callers (and the CLI) can tell them apart without parsing messages.
 *
 * @example
 * try { await parseSnapshot('app.heapsnapshot') }
 * catch (err) { if (err instanceof HeapdiffError) console.error(err.code, err.message) }
 */
export class HeapdiffError extends Error {
  readonly code: HeapdiffErrorCode;
  constructor(code: HeapdiffErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Where in the input a problem was found. */
export interface InputLocation {
  /** Byte offset in the (decompressed) snapshot text. */
  offset?: number;
  /**
   * The problem lies somewhere after `offset`, not at it: a value checked once its section was
   * read, known by its place among the values, whose bytes are gone by then (`offset` is where
   * the stretch of values it was read with began).
   */
  after?: boolean;
  /** The file being read, when the input is a file. */
  file?: string;
}

function locate(message: string, where: InputLocation): string {
  const parts: string[] = [];
  if (where.file !== undefined) parts.push(where.file);
  if (where.offset !== undefined) parts.push(`${where.after ? 'after ' : ''}byte offset ${where.offset}`);
  return parts.length ? `${message} (${parts.join(', ')})` : message;
}

/** Base of the errors about a snapshot's content; they say where: the file and byte offset. */
export abstract class SnapshotError extends HeapdiffError {
  readonly offset: number | undefined;
  readonly file: string | undefined;
  protected constructor(code: HeapdiffErrorCode, message: string, where: InputLocation, options?: { cause?: unknown }) {
    super(code, locate(message, where), options);
    this.offset = where.offset;
    this.file = where.file;
  }
}

/** The input is not a V8 heap snapshot, or its JSON is malformed. */
export class SnapshotFormatError extends SnapshotError {
  constructor(message: string, where: InputLocation = {}, options?: { cause?: unknown }) {
    super(ERROR_CODES.SnapshotFormatError, message, where, options);
  }
}

/** The input ended before the snapshot did (an interrupted write or a partial download). */
export class SnapshotTruncatedError extends SnapshotError {
  constructor(message: string, where: InputLocation = {}) {
    super(ERROR_CODES.SnapshotTruncatedError, message, where);
  }
}

/** The snapshot is well-formed JSON but its parts disagree (counts, node references, string indexes). */
export class SnapshotInconsistentError extends SnapshotError {
  constructor(message: string, where: InputLocation = {}) {
    super(ERROR_CODES.SnapshotInconsistentError, message, where);
  }
}

/** A string in the snapshot is not valid UTF-8 or holds an invalid JSON escape. */
export class SnapshotEncodingError extends SnapshotError {
  constructor(message: string, where: InputLocation = {}) {
    super(ERROR_CODES.SnapshotEncodingError, message, where);
  }
}

/** The snapshot declares more than heapdiff can hold (checked before anything is allocated). */
export class SnapshotTooLargeError extends SnapshotError {
  constructor(message: string, where: InputLocation = {}) {
    super(ERROR_CODES.SnapshotTooLargeError, message, where);
  }
}

/** The input could not be opened or read: missing file, a directory, no permission, a stream error. */
export class InputReadError extends HeapdiffError {
  readonly file: string | undefined;
  constructor(message: string, file?: string, options?: { cause?: unknown }) {
    super(ERROR_CODES.InputReadError, message, options);
    this.file = file;
  }
}

/** The operation was cancelled through its `AbortSignal`. */
export class AbortedError extends HeapdiffError {
  constructor(message = 'the operation was aborted', options?: { cause?: unknown }) {
    super(ERROR_CODES.AbortedError, message, options);
  }
}

/** No object with the asked-for id in the snapshot. */
export class NodeNotFoundError extends HeapdiffError {
  readonly id: number;
  /** `hint` replaces the advice on where to find ids (the CLI names its own command for it). */
  constructor(id: number, file?: string, hint = 'take them from this snapshot (DevTools shows them after @)') {
    const where = file === undefined ? 'the snapshot' : file;
    super(ERROR_CODES.NodeNotFoundError, `no object with id @${id} in ${where}; ids are per snapshot: ${hint}`);
    this.id = id;
  }
}

/**
 * Capturing a heap snapshot failed: the inspector refused or broke off, or no process to
 * capture, or heapdiff could not write the snapshot's file — then `file` names it (a full
 * disk, a missing directory), which tells heapdiff's own failure from the process's.
 */
export class CaptureError extends HeapdiffError {
  /** The file heapdiff could not write, when that is what failed (`-`: standard output). */
  readonly file: string | undefined;
  constructor(message: string, options?: { cause?: unknown; file?: string }) {
    super(ERROR_CODES.CaptureError, message, options);
    this.file = options?.file;
  }
}

/** The process's resident memory passed the limit set for it (`checkMemory`, `memoryWatcher`). */
export class MemoryLimitError extends HeapdiffError {
  readonly rss: number;
  readonly limit: number;
  constructor(rss: number, limit: number) {
    super(
      ERROR_CODES.MemoryLimitError,
      `resident memory is ${rss.toLocaleString('en-US')} bytes, past the limit of ${limit.toLocaleString('en-US')} bytes` +
        // No Node process runs in under a megabyte: such a limit was meant in other units.
        (limit < 1_000_000 ? ` (limits are in bytes: for ${limit.toLocaleString('en-US')} MB write ${limit} * MB)` : ''),
    );
    this.rss = rss;
    this.limit = limit;
  }
}

/** A heap dump was not written on purpose: too soon, or not enough disk or memory for it. */
export class HeapDumpRefusedError extends HeapdiffError {
  constructor(message: string) {
    super(ERROR_CODES.HeapDumpRefusedError, message);
  }
}

/** A problem with the command line itself: a bad flag value, a missing argument. */
export class UsageError extends HeapdiffError {
  /** `seeHelp: false` when the message already says what to type (a "did you mean"): the pointer to the help would be noise. */
  constructor(message: string, options: { seeHelp?: boolean } = {}) {
    // One line, whatever the argument parser wrote: the problem, then where to look.
    const line = message.replace(/\s*\n\s*/g, ' ').trim();
    super(ERROR_CODES.UsageError, options.seeHelp === false ? line : `${line} (see "heapdiff --help")`);
  }
}

/**
 * Two snapshots cannot be compared by object id: they come from different processes, the heap
 * profiler was reset between them, or they were given in the wrong order.
 */
export class SnapshotsUnrelatedError extends HeapdiffError {
  /**
   * What unrelated snapshots' messages end with: the usual cause besides two processes, and
   * how to take a series that compares. (V8 numbers objects anew whenever an inspector session
   * that took a snapshot ends: separate `heapdiff snapshot --pid` runs cannot be compared.)
   */
  static readonly ADVICE =
    'V8 numbers objects anew whenever the inspector session that took a snapshot ends (each `heapdiff snapshot --pid` run, a DevTools that reconnects); ' +
    'take the series in one session — `heapdiff leaks --pid PID` (or --inspect HOST:PORT, or -- node app.js) takes the snapshots itself — or write them from inside the process with v8.writeHeapSnapshot()';

  constructor(message: string) {
    super(ERROR_CODES.SnapshotsUnrelatedError, message);
  }
}


/**
 * An option or argument is of the wrong type or out of its range, found where it is given
 * rather than at first use. Says which option, what it accepts and what it got:
 * `memoryWatcher: limit must be a finite number of bytes > 0, got NaN (is the environment
 * variable set?)`. (A type and a range problem alike: the code tells them from other errors.)
 */
export class InvalidOptionError extends HeapdiffError {
  /** The function and the option: `memoryWatcher: limit`. */
  readonly option: string;
  /** What was given. */
  readonly value: unknown;
  constructor(option: string, accepted: string, value: unknown, hint?: string) {
    super(ERROR_CODES.InvalidOptionError, `${option} must be ${accepted}, got ${shown(value)}${hint === undefined ? '' : ` (${hint})`}`);
    this.option = option;
    this.value = value;
  }
}

/**
 * A `MemoryPressureManager` condition, listener or handler failed with something that cannot
 * carry the `level` and `kind` the `error` event adds (a frozen Error, a thrown non-Error: it is
 * the `cause`), or a handler returned a function (a factory such as `forceGc` passed uncalled).
 */
export class PressureHandlerError extends HeapdiffError {
  /** The level whose condition, listener or handler failed. */
  readonly level: number;
  /** What failed: `enter`, `leave` or `remain` handlers and listeners, or `check` (reading memory, a condition). */
  readonly kind: string;
  constructor(message: string, where: { level: number; kind: string }, options?: { cause?: unknown }) {
    super(ERROR_CODES.PressureHandlerError, message, options);
    this.level = where.level;
    this.kind = where.kind;
  }
}
