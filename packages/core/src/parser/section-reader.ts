import type { InputLocation } from '../errors.js';

/**
 * Reads the value of one top-level section (`"key": value`) of the snapshot text. The
 * structure parser feeds it every chunk, from the value's first byte, until it is `done`.
 */
export interface SectionReader {
  /**
   * Reads `chunk[start..end)`, where `chunk[0]` is input byte `base`. Returns where it stopped:
   * `end`, or just after the value's last byte.
   */
  push(chunk: Uint8Array, start: number, end: number, base: number): number;
  /** The value's last byte has been read. */
  readonly done: boolean;
  /** Where inside the value the input ended, for "the snapshot ends early, …"; undefined to name only the section. */
  describePosition(): string | undefined;
}

/** The location errors report: a byte offset, in `file` when the input is a file. */
export function inputLocation(file: string | undefined, offset: number): InputLocation {
  return file === undefined ? { offset } : { offset, file };
}
