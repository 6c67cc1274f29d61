import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { markHeap, type HeapMark } from '../capture/heap-mark.js';
import { markOwn } from '../capture/own-marker.js';
import type { RelativeHeap } from '../diff/relative-heap.js';
import { takeSnapshot, writeSnapshot } from '../capture/take-snapshot.js';
import { analyzeGraph } from '../load/analyze-graph.js';
import { collectGarbage } from '../runtime/pressure/force-gc.js';
import type { MemoryReadings } from '../runtime/pressure/memory-readings.js';
import { basicAuthChecker, checkAuthOption, type BasicAuthCheck } from './basic-auth.js';
import { CaptureGuard, type CaptureStats, type GuardRefusal } from './capture-guard.js';
import { processFigures, sinceJson, summaryJson, summaryText, type MemorySinceJson, type MemorySummaryJson } from './memory-report.js';

export interface MemoryEndpointOptions {
  /**
   * Who may read it (required): `{ username, password }`, compared in constant time, or a
   * function deciding from the user name and password (for example against your user store).
   */
  readonly auth: BasicAuthCheck;
  /** The realm of the `WWW-Authenticate` challenge (default `heapdiff`). */
  readonly realm?: string;
  /** How many classes a summary lists, the most retained first (default 30; `?top=N` up to 1,000). */
  readonly top?: number;
  /**
   * Least time between two captures, ms (default 10,000). A summary asked for again within it
   * is the last one (with an `Age` header); a snapshot or a diff asked for then gets 429.
   */
  readonly minInterval?: number;
  /** Longest a request waits for a capture, ms (default 60,000): then 504. */
  readonly timeout?: number;
  /**
   * Free memory a capture needs, as a multiple of the V8 heap in use (default 12): below it the
   * request gets 503. Measured on Node 20, a summary's peak RSS grows by 9–22× the heap in use
   * (V8 builds its snapshot in native memory, then heapdiff reads it). Free memory is read the
   * container-aware way (`readMemoryReadings`).
   */
  readonly memoryFactor?: number;
  /** Serve `?download=snapshot`: a fresh `.heapsnapshot`, gzipped when the client accepts it (default false). */
  readonly download?: boolean;
  /** Where a snapshot to download is written before it is sent (default the OS's temporary directory). */
  readonly downloadDir?: string;
  /**
   * Serve `?since=mark`, what was allocated since a mark and is still alive: give the app's own
   * mark (`markHeap()`), or `true` to let `POST ?mark` make one (default false).
   */
  readonly since?: boolean | HeapMark;
  /** Memory readings (replaceable for tests). */
  readonly readings?: () => MemoryReadings;
}

/** A request handler for `node:http`, and Express / Connect middleware. */
export interface MemoryEndpoint {
  (request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void): void;
  /** Its captures so far: the last one's time and outcome, counts by outcome (for metrics). */
  readonly captures: CaptureStats;
}

const MAX_TOP = 1000;

/**
 * A protected `/debug/memory` endpoint: the type / count / size summary of this process's heap
 * (from a fresh heap snapshot, garbage collected first) and its memory figures, as text, or
 * JSON with `Accept: application/json` or `?format=json`. HTTP basic auth is required; serve
 * it on an internal port. A capture pauses the program while V8 writes the snapshot: one runs
 * at a time (concurrent requests for a summary share it), not more often than `minInterval`,
 * and not when free memory is short. After each capture a full garbage collection gives the
 * snapshot's memory back.
 *
 * @example
 * import { createServer } from 'node:http'
 * import { memoryEndpoint } from '@heapdiff/core/server'
 * const memory = memoryEndpoint({ auth: { username: 'ops', password: process.env.MEMORY_PASSWORD! } })
 * createServer((req, res) => (req.url?.startsWith('/debug/memory') ? memory(req, res) : app(req, res))).listen(9464, '127.0.0.1')
 */
export function memoryEndpoint(options: MemoryEndpointOptions): MemoryEndpoint {
  if (!options || typeof options !== 'object') throw new TypeError('memoryEndpoint: takes options with credentials: memoryEndpoint({ auth: { username, password } })');
  checkAuthOption(options.auth);
  const top = wholeNumber(options.top, 30, 'top', 1, MAX_TOP);
  const minInterval = wholeNumber(options.minInterval, 10_000, 'minInterval', 0, 2 ** 31 - 1);
  const timeout = wholeNumber(options.timeout, 60_000, 'timeout', 1, 2 ** 31 - 1);
  const factor = options.memoryFactor ?? 12;
  if (typeof factor !== 'number' || !(factor >= 0 && Number.isFinite(factor))) throw new TypeError(`memoryEndpoint: memoryFactor must be a number from 0, got ${String(factor)}`);
  const realm = options.realm ?? 'heapdiff';
  if (typeof realm !== 'string' || !/^[\x20-\x7e]{1,100}$/.test(realm) || /["\\]/.test(realm)) {
    throw new TypeError(`memoryEndpoint: realm must be 1 to 100 printable ASCII characters without quotes or backslashes, got ${JSON.stringify(realm)}`);
  }
  for (const name of ['download'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') throw new TypeError(`memoryEndpoint: ${name} must be true or false, got ${JSON.stringify(options[name])}`);
  }
  const since = options.since;
  if (since !== undefined && typeof since !== 'boolean' && !(typeof since === 'object' && since !== null && typeof since.diff === 'function' && typeof since.markedAt === 'number')) {
    throw new TypeError(`memoryEndpoint: since must be true, false or a mark made by markHeap(), got ${String(since)}`);
  }
  if (options.downloadDir !== undefined && (typeof options.downloadDir !== 'string' || options.downloadDir === '')) {
    throw new TypeError(`memoryEndpoint: downloadDir must be a directory's path, got ${String(options.downloadDir)}`);
  }
  const authorized = basicAuthChecker(options.auth);
  const guard = new CaptureGuard({
    minInterval,
    timeout,
    memoryNeeded: (readings) => readings.heapUsed * factor,
    ...(options.readings ? { readings: options.readings } : {}),
  });
  let appMark: HeapMark | undefined = typeof options.since === 'object' ? options.since : undefined;
  const marks = options.since === true;
  let lastSummary: { doc: MemorySummaryJson; at: number } | undefined;
  let pendingSummary: Promise<MemorySummaryJson | GuardRefusal> | undefined;

  const summary = async (): Promise<MemorySummaryJson | GuardRefusal> => {
    if (pendingSummary) return pendingSummary;
    pendingSummary = (async () => {
      const result = await guard.run('summary', async () => {
        const start = Date.now();
        const figures = processFigures();
        const graph = await takeSnapshot();
        await analyzeGraph(graph);
        return summaryJson(graph, MAX_TOP, start, Date.now() - start, figures);
      });
      if (!result.ok) return result;
      lastSummary = { doc: result.value, at: Date.now() };
      await collectGarbage();
      return result.value;
    })();
    try {
      return await pendingSummary;
    } finally {
      pendingSummary = undefined;
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    response.setHeader('Cache-Control', 'no-store');
    if (!(await authorized(request.headers.authorization))) {
      response.setHeader('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
      return send(response, 401, 'text/plain; charset=utf-8', 'authentication required\n');
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    const query = url.searchParams;
    const method = request.method ?? 'GET';
    if (method === 'POST' && !query.has('mark')) {
      return send(response, 400, 'text/plain; charset=utf-8', `POST marks a baseline: POST ?mark${marks ? '' : ' (not enabled here: create the endpoint with { since: true })'}\n`);
    }
    if (method === 'POST') {
      if (!marks) return send(response, 404, 'text/plain; charset=utf-8', 'marks are not enabled: create the endpoint with { since: true }\n');
      const result = await guard.run('mark', () => markHeap());
      if (!result.ok) return refuse(response, result);
      appMark = result.value;
      await collectGarbage();
      return send(response, 201, 'application/json; charset=utf-8', `${JSON.stringify({ markedAt: new Date(appMark.markedAt).toISOString() })}\n`);
    }
    if (method !== 'GET') {
      response.setHeader('Allow', marks ? 'GET, POST' : 'GET');
      return send(response, 405, 'text/plain; charset=utf-8', `${method} is not allowed: GET reads the summary${marks ? ', POST ?mark marks a baseline' : ''}\n`);
    }
    if (query.has('download')) {
      if (query.get('download') !== 'snapshot') return send(response, 400, 'text/plain; charset=utf-8', 'download takes "snapshot": ?download=snapshot\n');
      if (!options.download) return send(response, 404, 'text/plain; charset=utf-8', 'snapshot downloads are not enabled: create the endpoint with { download: true }\n');
      return download(request, response);
    }
    const format = query.get('format')?.toLowerCase();
    if (format !== undefined && format !== 'json' && format !== 'text') return send(response, 400, 'text/plain; charset=utf-8', 'format takes "json" or "text"\n');
    const json = format === undefined ? prefersJson(request.headers.accept) : format === 'json';
    const topText = query.get('top');
    const rows = topText === null ? top : /^\d{1,4}$/.test(topText) ? Number(topText) : NaN;
    if (!(rows >= 1 && rows <= MAX_TOP)) return send(response, 400, 'text/plain; charset=utf-8', `top must be a whole number from 1 to ${MAX_TOP}\n`);
    if (query.has('since')) {
      if (query.get('since') !== 'mark') return send(response, 400, 'text/plain; charset=utf-8', 'since takes "mark": ?since=mark\n');
      if (!marks && !appMark) return send(response, 404, 'text/plain; charset=utf-8', 'diffs since a mark are not enabled: create the endpoint with { since: true } or { since: mark }\n');
      const mark = appMark;
      if (!mark) return send(response, 409, 'text/plain; charset=utf-8', 'no mark yet: POST ?mark first, then GET ?since=mark after the work to look at\n');
      // This request's own objects (its socket, parser, URL…) are heapdiff's, not the program's.
      for (const own of [request, response, request.socket, url, query, (request.socket as { parser?: object } | null)?.parser]) {
        if (own && typeof own === 'object') markOwn(own);
      }
      const result = await guard.run('since', async () => {
        const start = Date.now();
        const figures = processFigures();
        const heap = withoutOwnFrames(await mark.diff());
        return sinceJson(heap, mark.markedAt, rows, start, Date.now() - start, figures);
      });
      if (!result.ok) return refuse(response, result);
      await collectGarbage();
      return answer(response, json, result.value);
    }
    if (lastSummary && Date.now() - lastSummary.at < minInterval && !pendingSummary) {
      response.setHeader('Age', String(Math.floor((Date.now() - lastSummary.at) / 1000)));
      return answer(response, json, cut(lastSummary.doc, rows));
    }
    const result = await summary();
    if ('status' in result) return refuse(response, result);
    return answer(response, json, cut(result, rows));
  };

  const download = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    // In a directory of its own (mode 0700, a random name, made only for a capture that runs):
    // a snapshot holds the program's secrets, and no other user may read, plant or take its file.
    let dir: string | undefined;
    const result = await guard.run('snapshot', async () => {
      dir = mkdtempSync(join(options.downloadDir ?? tmpdir(), 'heapdiff-'));
      return writeSnapshot(join(dir, 'heap.heapsnapshot'));
    });
    const removeDir = (): void => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    };
    if (!result.ok) {
      removeDir();
      return refuse(response, result);
    }
    const gzip = acceptsGzip(request.headers['accept-encoding']);
    const name = `heap-${process.pid}-${new Date().toISOString().replace(/[:.]/g, '-')}.heapsnapshot`;
    response.writeHead(200, {
      'Content-Type': 'application/json',
      // The name the file has once the client has undone the transfer's gzip.
      'Content-Disposition': `attachment; filename="${name}"`,
      ...(gzip ? { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } : { 'Content-Length': String(result.value.bytes) }),
    });
    // A client that stops reading does not keep the file for ever.
    const stalled = setTimeout(() => response.destroy(), timeout);
    stalled.unref();
    try {
      if (gzip) await pipeline(createReadStream(result.value.file), createGzip({ level: 6 }), response);
      else await pipeline(createReadStream(result.value.file), response);
    } catch {
      // The client went away: nothing more to send.
    } finally {
      clearTimeout(stalled);
      removeDir();
    }
  };

  const endpoint = ((request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void): void => {
    handle(request, response).catch((error: unknown) => {
      if (next) return next(error);
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'the memory endpoint failed\n');
      else response.destroy();
    });
  }) as MemoryEndpoint;
  Object.defineProperty(endpoint, 'captures', { get: () => guard.stats, enumerable: true });
  return endpoint;
}

/**
 * Whether an `Accept` header prefers JSON to text: the media ranges with their q values, JSON
 * when `application/json` has a higher q than `text/plain` (or `text/*`, `*\/*`), or an equal one
 * listed first.
 */
function prefersJson(accept: string | undefined): boolean {
  if (!accept) return false;
  let json = { q: 0, at: Infinity };
  let text = { q: 0, at: Infinity };
  accept.split(',').forEach((part, at) => {
    const [type = '', ...params] = part.trim().toLowerCase().split(';').map((p) => p.trim());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!(q > 0)) return;
    if (type === 'application/json' && q > json.q) json = { q, at };
    if ((type === 'text/plain' || type === 'text/*' || type === '*/*') && q > text.q) text = { q, at };
  });
  return json.q > text.q || (json.q > 0 && json.q === text.q && json.at < text.at);
}

/** Whether `Accept-Encoding` allows gzip (listed with a q above 0, or `*`). */
function acceptsGzip(header: string | string[] | undefined): boolean {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  return text.split(',').some((part) => {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';').map((p) => p.trim());
    const qParam = params.find((p) => p.startsWith('q='));
    return (coding === 'gzip' || coding === '*') && (qParam ? Number(qParam.slice(2)) > 0 : true);
  });
}

/**
 * The diff without the groups that only this endpoint's own waiting frames hold (the locals of
 * the request handler and of the guard that awaits the diff, numbers and small objects): a diff
 * counts what the frames awaiting it hold as the program's, and here those frames are ours.
 */
function withoutOwnFrames(heap: RelativeHeap): RelativeHeap {
  const ours = /^(?:async [\w$()]*\(\)|\(anonymous\) \(callback\)) (?:capture-guard|memory-endpoint)\.[jt]s:\d+ → |\(CaptureGuard\) → /;
  const groups = heap.groups.filter((group) => !ours.test(group.retainerPath));
  return {
    ...heap,
    groups,
    count: groups.reduce((sum, group) => sum + group.count, 0),
    selfSize: groups.reduce((sum, group) => sum + group.selfSize, 0),
  };
}

function answer(response: ServerResponse, json: boolean, doc: MemorySummaryJson | MemorySinceJson): void {
  if (json) send(response, 200, 'application/json; charset=utf-8', `${JSON.stringify(doc, null, 2)}\n`);
  else send(response, 200, 'text/plain; charset=utf-8', summaryText(doc));
}

function cut(doc: MemorySummaryJson, rows: number): MemorySummaryJson {
  return { ...doc, classes: doc.classes.slice(0, rows) };
}

function refuse(response: ServerResponse, refusal: GuardRefusal): void {
  if (refusal.retryAfter !== undefined) response.setHeader('Retry-After', String(refusal.retryAfter));
  send(response, refusal.status, 'text/plain; charset=utf-8', `${refusal.message}\n`);
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)) });
  response.end(body);
}

function wholeNumber(value: unknown, fallback: number, name: string, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`memoryEndpoint: ${name} must be a whole number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}
