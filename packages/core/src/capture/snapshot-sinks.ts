import { closeSync, openSync, writeSync } from 'node:fs';
import { HeapGraph } from '../graph/heap-graph.js';
import { SnapshotParser } from '../parser/snapshot-parser.js';
import { prepareThreadTokenizer } from '../parser/numeric-section.js';
import { CaptureError } from '../errors.js';
import type { SnapshotSink } from './prepared-snapshot.js';

// Not Buffer.from: small Buffers come from Node's shared pool, whose refills would count as
// the program's allocations in a relative-heap diff.
const utf8 = new TextEncoder();

/** Writes the snapshot's text to a file as it streams; the result is the file and its size. */
export class FileSink implements SnapshotSink<{ file: string; bytes: number }> {
  readonly file: string;
  #fd: number | undefined;
  #bytes = 0;

  /** Opens (creates or truncates) `file` at once: a path that cannot be written fails here. */
  constructor(file: string) {
    this.file = file;
    try {
      // Readable by its owner only: a heap snapshot holds whatever the program held (keys, tokens).
      this.#fd = openSync(file, 'w', 0o600);
    } catch (error) {
      throw new CaptureError(`cannot write the snapshot to ${file}: ${(error as Error).message}`, { cause: error, file });
    }
  }

  write(chunk: string): void {
    if (this.#fd !== undefined) this.#bytes += writeSync(this.#fd, chunk);
  }

  async end(): Promise<{ file: string; bytes: number }> {
    this.#close();
    return { file: this.file, bytes: this.#bytes };
  }

  abort(): void {
    try {
      this.#close();
    } catch {
      // The snapshot's own failure is the one to report.
    }
  }

  #close(): void {
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Parses the snapshot's text as it streams (and writes it to `file` too, if given) into a
 * HeapGraph; a snapshot that ends allocation tracking is parsed once V8 has written it all
 * (see `SnapshotSink.holdUntilEnd`), its text held until then.
 */
export class GraphSink implements SnapshotSink<HeapGraph> {
  readonly #file: FileSink | undefined;
  #parser: SnapshotParser | undefined;
  /** The chunks kept for `end()`, when the snapshot ends allocation tracking. */
  #held: string[] | undefined;

  constructor(file?: string) {
    this.#file = file === undefined ? undefined : new FileSink(file);
    // Made before the snapshot (a mark's sinks are made before its baseline): see prepareThreadTokenizer.
    prepareThreadTokenizer();
  }

  holdUntilEnd(): void {
    this.#held = [];
  }

  write(chunk: string): void {
    this.#file?.write(chunk);
    if (this.#held) {
      this.#held.push(chunk);
      return;
    }
    // Created at the first chunk, after V8 has built the snapshot: heapdiff's own parsing
    // machinery is then never part of what it measures.
    this.#parser ??= this.#newParser();
    this.#parser.push(utf8.encode(chunk));
  }

  async end(): Promise<HeapGraph> {
    await this.#file?.end();
    const parser = this.#parser ?? this.#newParser();
    const held = this.#held;
    this.#held = undefined;
    if (held) {
      for (let i = 0; i < held.length; i++) {
        parser.push(utf8.encode(held[i]!));
        held[i] = '';
      }
    }
    return new HeapGraph(await parser.finish(), this.#file?.file);
  }

  abort(): void {
    this.#file?.abort();
  }

  #newParser(): SnapshotParser {
    return new SnapshotParser(this.#file ? { file: this.#file.file } : {});
  }
}
