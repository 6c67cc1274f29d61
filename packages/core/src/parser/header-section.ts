import { SnapshotFormatError, SnapshotTruncatedError, type InputLocation } from '../errors.js';
import { inputLocation, type SectionReader } from './section-reader.js';
import { readSnapshotHeader, type SnapshotHeader } from './snapshot-layout.js';
import { ValueCollector } from './value-scanner.js';

const HEADER_LIMIT = 16 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The `"snapshot"` header: small, so collected whole (checked as JSON and UTF-8 on the way, so
 * errors say where), then handed to JSON.parse and {@link readSnapshotHeader}.
 */
export class HeaderSection implements SectionReader {
  readonly #bytes: ValueCollector;
  /** Where errors about the header point: its opening "{". */
  readonly #where: InputLocation;
  readonly #totalBytes: number | undefined;
  #header: SnapshotHeader | undefined;

  /** `start` is the offset of the header's "{"; `totalBytes` the size of the input, when known. */
  constructor(start: number, file: string | undefined, totalBytes: number | undefined) {
    this.#where = inputLocation(file, start);
    this.#totalBytes = totalBytes;
    this.#bytes = new ValueCollector('the "snapshot" header', file);
  }

  get done(): boolean {
    return this.#bytes.done;
  }

  /** The header, once read. */
  get header(): SnapshotHeader | undefined {
    return this.#header;
  }

  push(chunk: Uint8Array, start: number, end: number, base: number): number {
    const i = this.#bytes.push(chunk, start, end, base);
    if (this.#bytes.length > HEADER_LIMIT) {
      throw new SnapshotFormatError(`the "snapshot" header is larger than ${HEADER_LIMIT} bytes; this is not a V8 heap snapshot`, this.#where);
    }
    if (this.#bytes.done) this.#header = this.#read(this.#bytes.take());
    return i;
  }

  describePosition(): string {
    return 'inside the "snapshot" header';
  }

  #read(bytes: Uint8Array): SnapshotHeader {
    let raw: unknown;
    try {
      raw = JSON.parse(utf8.decode(bytes));
    } catch (cause) {
      // Not expected: the bytes were checked as they came in.
      throw new SnapshotFormatError(`the "snapshot" header is not valid JSON: ${(cause as Error).message.replace(/\s+/g, ' ')}`, this.#where, { cause });
    }
    const header = readSnapshotHeader(raw, this.#where);
    const { layout, nodeCount, edgeCount, traceFunctionCount } = header;
    // Every value takes at least two bytes ("0,"): a header claiming more than the input can hold is refused now.
    if (this.#totalBytes !== undefined) {
      const values = nodeCount * layout.nodeFieldCount + edgeCount * layout.edgeFieldCount + traceFunctionCount * layout.traceFunctionInfoFields.length;
      const minimum = 2 * values;
      if (minimum > this.#totalBytes) {
        throw new SnapshotTruncatedError(
          `the header declares ${nodeCount} nodes and ${edgeCount} edges${traceFunctionCount > 0 ? ` (and ${traceFunctionCount} trace functions)` : ''}, which need at least ${minimum} bytes, but the file has only ${this.#totalBytes}: it is truncated or its header is wrong`,
          this.#where,
        );
      }
    }
    return header;
  }
}
