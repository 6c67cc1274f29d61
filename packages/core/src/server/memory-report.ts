import { getHeapStatistics } from 'node:v8';
import { summarizeClasses } from '../analysis/class-summary.js';
import type { RelativeHeap } from '../diff/relative-heap.js';
import { formatBytes, formatCount } from '../format/bytes.js';
import { counted } from '../format/counted.js';
import type { SourceLocation } from '../graph/class-keys.js';
import type { HeapGraph } from '../graph/heap-graph.js';

/** The process's memory as Node reports it, bytes (read before a capture: the capture's own memory is not the app's). */
export interface ProcessFigures {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  /** V8's heap size limit (`--max-old-space-size` and friends). */
  readonly heapLimit: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

export function processFigures(): ProcessFigures {
  const usage = process.memoryUsage();
  return {
    rss: usage.rss,
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    heapLimit: getHeapStatistics().heap_size_limit,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
  };
}

interface LocationJson {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly column: number;
  readonly url: string;
}

/** `GET` (JSON): the class summary of a fresh snapshot and the process's figures. */
export interface MemorySummaryJson {
  readonly schema: 'heapdiff/memory@1';
  readonly pid: number;
  /** When the snapshot was taken (ISO 8601). */
  readonly capturedAt: string;
  /** How long the capture took (snapshot, analyses, summary), ms. */
  readonly captureMs: number;
  readonly process: ProcessFigures;
  readonly totals: { readonly count: number; readonly selfSize: number; readonly classes: number };
  /** The classes with the most retained memory first, at most `top` of them. */
  readonly classes: readonly { readonly className: string; readonly location?: LocationJson; readonly count: number; readonly selfSize: number; readonly retainedSize: number }[];
}

/** `GET ?since=mark` (JSON): what was allocated since the mark and is still alive. */
export interface MemorySinceJson {
  readonly schema: 'heapdiff/memory-since@1';
  readonly pid: number;
  readonly markedAt: string;
  readonly capturedAt: string;
  readonly captureMs: number;
  readonly process: ProcessFigures;
  readonly totals: { readonly count: number; readonly selfSize: number; readonly classes: number };
  readonly classes: readonly { readonly className: string; readonly location?: LocationJson; readonly count: number; readonly selfSize: number; readonly retainedSize: number; readonly retainerPath: string }[];
}

function locationJson(at: SourceLocation | undefined): { location?: LocationJson } {
  return at ? { location: { file: at.file, line: at.line + 1, column: at.column + 1, url: at.url } } : {};
}

/** The summary of an analysed graph as the endpoint serves it. */
export function summaryJson(graph: HeapGraph, top: number, capturedAt: number, captureMs: number, figures: ProcessFigures): MemorySummaryJson {
  const summary = summarizeClasses(graph, { retained: true });
  const rows = [...summary.rows].sort((a, b) => (b.retainedSize ?? 0) - (a.retainedSize ?? 0) || b.selfSize - a.selfSize);
  return {
    schema: 'heapdiff/memory@1',
    pid: process.pid,
    capturedAt: new Date(capturedAt).toISOString(),
    captureMs,
    process: figures,
    totals: { count: summary.totalCount, selfSize: summary.totalSelfSize, classes: summary.rows.length },
    classes: rows.slice(0, top).map((row) => ({
      className: row.className,
      ...locationJson(row.location),
      count: row.count,
      selfSize: row.selfSize,
      retainedSize: row.retainedSize ?? 0,
    })),
  };
}

export function sinceJson(heap: RelativeHeap, markedAt: number, top: number, capturedAt: number, captureMs: number, figures: ProcessFigures): MemorySinceJson {
  return {
    schema: 'heapdiff/memory-since@1',
    pid: process.pid,
    markedAt: new Date(markedAt).toISOString(),
    capturedAt: new Date(capturedAt).toISOString(),
    captureMs,
    process: figures,
    totals: { count: heap.count, selfSize: heap.selfSize, classes: heap.groups.length },
    classes: heap.groups.slice(0, top).map((group) => ({
      className: group.className,
      ...locationJson(group.location),
      count: group.count,
      selfSize: group.selfSize,
      retainedSize: group.retainedSize,
      retainerPath: group.retainerPath,
    })),
  };
}

/** Text made safe for a plain-text page: no control characters from class names. */
function plain(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '?');
}

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

function processLine(p: ProcessFigures): string {
  return (
    `process  rss ${formatBytes(p.rss)} · heap used ${formatBytes(p.heapUsed)} of ${formatBytes(p.heapTotal)} ` +
    `(limit ${formatBytes(p.heapLimit)}) · external ${formatBytes(p.external)} · array buffers ${formatBytes(p.arrayBuffers)}`
  );
}

/** The summary as a plain-text page (for curl and a browser). */
export function summaryText(doc: MemorySummaryJson | MemorySinceJson): string {
  const since = doc.schema === 'heapdiff/memory-since@1';
  const lines = [
    since
      ? `heapdiff: alive and new since the mark of ${doc.markedAt}, pid ${doc.pid}, captured ${doc.capturedAt} in ${doc.captureMs} ms`
      : `heapdiff: heap summary of pid ${doc.pid}, captured ${doc.capturedAt} in ${doc.captureMs} ms`,
    '',
    processLine(doc.process),
    '',
    `${fit('class', 48)} ${'objects'.padStart(12)} ${'shallow'.padStart(12)} ${'retained'.padStart(12)}`,
  ];
  for (const row of doc.classes) {
    const where = row.location ? ` (${row.location.file}:${row.location.line})` : '';
    lines.push(`${fit(plain(row.className + where), 48)} ${formatCount(row.count).padStart(12)} ${formatBytes(row.selfSize).padStart(12)} ${formatBytes(row.retainedSize).padStart(12)}`);
    if ('retainerPath' in row && row.retainerPath) lines.push(`    ${plain(row.retainerPath)}`);
  }
  const shown = doc.classes.length < doc.totals.classes ? ` (the ${doc.classes.length} retaining most shown)` : '';
  lines.push('', `${counted(doc.totals.count, 'object')} in ${counted(doc.totals.classes, 'class', 'classes')}, ${formatBytes(doc.totals.selfSize)}${shown}`);
  return `${lines.join('\n')}\n`;
}
