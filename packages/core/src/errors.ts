/**
 * Every error heapdiff throws on purpose derives from {@link HeapdiffError} and carries a
 * stable `code`, so callers (and the CLI) can tell them apart without parsing messages.
 *
 * @example
 * try { await parseSnapshot('app.heapsnapshot') }
 * catch (err) { if (err instanceof HeapdiffError) console.error(err.code, err.message) }
 */
export class HeapdiffError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Where in the input a problem was found. */
export interface InputLocation {
  /** Byte offset in the (decompressed) snapshot text. */
  offset?: number;
  /** The file being read, when the input is a file. */
  file?: string;
}

function locate(message: string, where: InputLocation): string {
  const parts: string[] = [];
  if (where.file !== undefined) parts.push(where.file);
  if (where.offset !== undefined) parts.push(`byte offset ${where.offset}`);
  return parts.length ? `${message} (${parts.join(', ')})` : message;
}

/** Base of the errors about a snapshot's content; they say where: the file and byte offset. */
export abstract class SnapshotError extends HeapdiffError {
  readonly offset: number | undefined;
  readonly file: string | undefined;
  protected constructor(code: string, message: string, where: InputLocation, options?: { cause?: unknown }) {
    super(code, locate(message, where), options);
    this.offset = where.offset;
    this.file = where.file;
  }
}

/** The input is not a V8 heap snapshot, or its JSON is malformed. */
export class SnapshotFormatError extends SnapshotError {
  constructor(message: string, where: InputLocation = {}, options?: { cause?: unknown }) {
    super('HEAPDIFF_SNAPSHOT_FORMAT', message, where, options);
  }
}

/** The input ended before the snapshot did (an interrupted write or a partial download). */
export class SnapshotTruncatedError extends SnapshotError {
  constructor(message: string, where: InputLocation = {}) {
    super('HEAPDIFF_SNAPSHOT_TRUNCATED', message, where);
  }
}

/** The snapshot is well-formed JSON but its parts disagree (counts, node references, string indexes). */
export class SnapshotInconsistentError extends SnapshotError {
  constructor(message: string, where: InputLocation = {}) {
    super('HEAPDIFF_SNAPSHOT_INCONSISTENT', message, where);
  }
}

/** A string in the snapshot is not valid UTF-8 or holds an invalid JSON escape. */
export class SnapshotEncodingError extends SnapshotError {
  constructor(message: string, where: InputLocation = {}) {
    super('HEAPDIFF_SNAPSHOT_ENCODING', message, where);
  }
}

/** The snapshot declares more than heapdiff can hold (checked before anything is allocated). */
export class SnapshotTooLargeError extends SnapshotError {
  constructor(message: string, where: InputLocation = {}) {
    super('HEAPDIFF_SNAPSHOT_TOO_LARGE', message, where);
  }
}

/** The input could not be opened or read: missing file, a directory, no permission, a stream error. */
export class InputReadError extends HeapdiffError {
  readonly file: string | undefined;
  constructor(message: string, file?: string, options?: { cause?: unknown }) {
    super('HEAPDIFF_INPUT_READ', message, options);
    this.file = file;
  }
}

/** The operation was cancelled through its `AbortSignal`. */
export class AbortedError extends HeapdiffError {
  constructor(message = 'the operation was aborted', options?: { cause?: unknown }) {
    super('HEAPDIFF_ABORTED', message, options);
  }
}
