import { open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { AbortedError, InputReadError, SnapshotFormatError, SnapshotTruncatedError } from '../errors.js';
import { shown } from '../format/shown.js';

/** What `parseSnapshot` reads: a file path (or `file:` URL), a Node stream, or chunks. */
export type SnapshotInput = string | URL | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

/** The snapshot text as a stream of chunks, inflated when the input is gzip. */
export interface ByteSource {
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Size of the input as stored (compressed size for gzip), when known. */
  readonly totalBytes: number | undefined;
  /** Size of the text itself, when known (never for gzip). */
  readonly textBytes: number | undefined;
  readonly file: string | undefined;
  readonly gzip: boolean;
  /** Bytes of the input read so far (compressed bytes for gzip), for progress. */
  bytesRead(): number;
}

const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;
/**
 * Bytes per read of a plain file whose chunks are recycled (see `recycle`): its two buffers are
 * the reads' only fresh memory, and smaller ones cost less of it for as many reads as the parse
 * keeps up with (an 11.6 MB snapshot's parse: ~6,190 page faults and 146–165 ms with 4 MiB reads,
 * ~4,800 and 122–124 ms with 1 MiB ones).
 */
const RECYCLED_CHUNK_SIZE = 1024 * 1024;
/** What a read past the expected end asks for: enough to notice that a file grew. */
const END_PROBE_BYTES = 64 * 1024;

export interface ByteSourceOptions {
  signal?: AbortSignal | undefined;
  /** Bytes per file read. */
  chunkSize?: number | undefined;
  /**
   * Supplies the buffers plain (not gzip) files are read into, for example shared slabs that
   * worker threads read in place. The consumer then owns each chunk it is given.
   */
  allocate?: (() => Uint8Array) | undefined;
  /** Only files at least this big use `allocate`. */
  allocateMinBytes?: number | undefined;
  /**
   * The consumer is done with a chunk once it asks for the next one after it (it copies what
   * it keeps, as `parseSnapshot` does): a file's chunks not given by `allocate` are then read
   * into two buffers in turn, not each into fresh memory, which costs its pages' first touch
   * (~4 ms per MB on this project's VM: a tenth of a 10 MB file's whole load).
   */
  recycle?: boolean | undefined;
}

function describeFsError(err: NodeJS.ErrnoException, file: string): InputReadError {
  switch (err.code) {
    case 'ENOENT':
      return new InputReadError(`no such file: ${file}`, file, { cause: err });
    case 'EACCES':
    case 'EPERM':
      return new InputReadError(`permission denied reading ${file}`, file, { cause: err });
    case 'EISDIR':
      return new InputReadError(`${file} is a directory, not a heap snapshot file`, file, { cause: err });
    default:
      return new InputReadError(`cannot read ${file}: ${err.message}`, file, { cause: err });
  }
}

async function* readFileChunks(
  file: string,
  size: number,
  options: ByteSourceOptions,
  counter: { read: number },
) {
  const { signal } = options;
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw describeFsError(err as NodeJS.ErrnoException, file);
  }
  try {
    // Gzip files go through zlib, which keeps its input buffers: only plain files use `allocate`.
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    const gzip = head[0] === 0x1f && head[1] === 0x8b;
    const allocate = !gzip && size >= (options.allocateMinBytes ?? 0) ? options.allocate : undefined;
    const chunkSize = options.chunkSize ?? (options.recycle && !allocate && !gzip ? RECYCLED_CHUNK_SIZE : DEFAULT_CHUNK_SIZE);
    // With `recycle`: the buffer of the chunk before the consumer's, free to read into again.
    let free: Uint8Array | undefined;
    // One read ahead: the next chunk comes off the disk (on libuv's pool) while this one is parsed.
    const readAt = async (position: number, bytes: number): Promise<{ buffer: Uint8Array; bytesRead: number }> => {
      let buffer: Uint8Array;
      if (allocate && bytes === chunkSize) buffer = allocate();
      else if (free && free.length >= bytes) [buffer, free] = [free, undefined];
      else buffer = Buffer.allocUnsafe(bytes);
      try {
        const { bytesRead } = await handle!.read(buffer, 0, Math.min(bytes, buffer.length), position);
        return { buffer, bytesRead };
      } catch (err) {
        throw describeFsError(err as NodeJS.ErrnoException, file);
      }
    };
    // Past the size stat gave, a small read checks whether the file grew meanwhile.
    const ahead = (position: number) => {
      const read = readAt(position, position < size ? chunkSize : END_PROBE_BYTES);
      // Its failure is thrown where it is awaited, not reported as unhandled while the consumer works.
      read.catch(() => {});
      return read;
    };
    let position = 0;
    let next = ahead(0);
    /** The buffer of the chunk the consumer has (recycled once it asks for the next but one). */
    let held: Uint8Array | undefined;
    try {
      for (;;) {
        if (signal?.aborted) throw new AbortedError(undefined, { cause: signal.reason });
        const { buffer, bytesRead } = await next;
        if (bytesRead === 0) return;
        position += bytesRead;
        counter.read += bytesRead;
        // (Not gzip: zlib reads its input later, on libuv's pool.)
        if (options.recycle && !allocate && !gzip) [free, held] = [held, buffer];
        next = ahead(position);
        yield bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
      }
    } finally {
      // A read still in flight must end before the handle closes (its error, if any, no longer matters).
      await next.catch(() => {});
    }
  } finally {
    await handle.close();
  }
}

/** Names under which a process reads its own standard input. */
const STDIN_PATHS = new Set(['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

/**
 * Reads what cannot be read by position — a pipe, a FIFO, a character device, a socket — from
 * start to end, as it comes. Standard input that is a socket (as Node gives a child's stdin)
 * cannot be opened again by name: it is read as `process.stdin` then.
 */
async function* readSequentialChunks(file: string, options: ByteSourceOptions, counter: { read: number }) {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENXIO' && STDIN_PATHS.has(file)) {
      yield* readStreamChunks(process.stdin, options.signal, counter);
      return;
    }
    throw describeFsError(err as NodeJS.ErrnoException, file);
  }
  const stream = handle.createReadStream({ highWaterMark: options.chunkSize ?? DEFAULT_CHUNK_SIZE });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (options.signal?.aborted) throw new AbortedError(undefined, { cause: options.signal.reason });
      counter.read += chunk.length;
      yield chunk;
    }
  } catch (err) {
    if (err instanceof AbortedError) throw err;
    throw describeFsError(err as NodeJS.ErrnoException, file);
  } finally {
    stream.destroy();
    await handle.close().catch(() => {});
  }
}

async function* readStreamChunks(
  input: NodeJS.ReadableStream | AsyncIterable<Uint8Array>,
  signal: AbortSignal | undefined,
  counter: { read: number },
) {
  try {
    for await (const chunk of input as AsyncIterable<Uint8Array | string>) {
      if (signal?.aborted) throw new AbortedError(undefined, { cause: signal.reason });
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      counter.read += bytes.length;
      yield bytes;
    }
  } catch (err) {
    if (err instanceof AbortedError) throw err;
    throw new InputReadError(`the input stream failed: ${(err as Error).message}`, undefined, { cause: err });
  }
}

/** Peeks at the first chunk to detect gzip, then yields every chunk (inflated if needed). */
async function* maybeGunzip(
  raw: AsyncIterable<Uint8Array>,
  file: string | undefined,
  onDetect: (gzip: boolean) => void,
) {
  const iterator = raw[Symbol.asyncIterator]();
  try {
    yield* detectAndInflate(iterator, file, onDetect);
  } finally {
    // A consumer that stops early (a parse error) must still let the source close its file.
    await iterator.return?.();
  }
}

async function* detectAndInflate(
  iterator: AsyncIterator<Uint8Array>,
  file: string | undefined,
  onDetect: (gzip: boolean) => void,
) {
  let first = await iterator.next();
  while (!first.done && first.value.length === 0) first = await iterator.next();
  if (first.done) {
    onDetect(false);
    return;
  }
  const head = first.value;
  const gzip = head[0] === 0x1f && (head.length < 2 || head[1] === 0x8b);
  onDetect(gzip);
  async function* rest() {
    yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  if (!gzip) {
    yield* rest();
    return;
  }
  const gunzip = createGunzip({ chunkSize: 1024 * 1024 });
  const inflated = Readable.from(rest(), { objectMode: false }).pipe(gunzip);
  try {
    for await (const chunk of inflated as AsyncIterable<Buffer>) yield chunk;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e instanceof InputReadError || e instanceof AbortedError) throw e;
    const where = file === undefined ? {} : { file };
    if (e.code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message)) {
      throw new SnapshotTruncatedError('the gzip data ends early; the file is incomplete', where);
    }
    throw new SnapshotFormatError(`the gzip data is corrupt: ${e.message}`, where, { cause: err });
  }
}

/**
 * Opens any supported input as a stream of snapshot text. File errors (missing, a directory,
 * no permission) surface here as {@link InputReadError}, before any parsing starts.
 */
export async function openByteSource(input: SnapshotInput, options: ByteSourceOptions = {}): Promise<ByteSource> {
  const { signal } = options;
  const counter = { read: 0 };
  let file: string | undefined;
  let size: number | undefined;
  let raw: AsyncIterable<Uint8Array>;
  if (typeof input === 'string' || input instanceof URL) {
    file = typeof input === 'string' ? input : fileURLToPath(input);
    let info;
    try {
      info = await stat(file);
    } catch (err) {
      throw describeFsError(err as NodeJS.ErrnoException, file);
    }
    if (info.isDirectory()) throw new InputReadError(`${file} is a directory, not a heap snapshot file`, file);
    if (info.isFile()) {
      size = info.size;
      raw = readFileChunks(file, size, options, counter);
    } else {
      // A pipe, FIFO or device: no size, no seeking; the parser reads it the same way.
      raw = readSequentialChunks(file, options, counter);
    }
  } else if (input !== null && typeof input === 'object' && (Symbol.asyncIterator in input || typeof (input as NodeJS.ReadableStream).pipe === 'function')) {
    raw = readStreamChunks(input, signal, counter);
  } else {
    throw new TypeError(`parseSnapshot expects a file path, a URL, a readable stream or an async iterable of Uint8Array, got ${shown(input)}`);
  }
  let gzip = false;
  const chunks = maybeGunzip(raw, file, (detected) => {
    gzip = detected;
  });
  return {
    chunks,
    totalBytes: size,
    get textBytes() {
      return gzip ? undefined : size;
    },
    file,
    get gzip() {
      return gzip;
    },
    bytesRead: () => counter.read,
  };
}
