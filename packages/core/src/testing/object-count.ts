import * as v8 from 'node:v8';

type QueryObjects = (ctor: unknown, options: { format: 'count' }) => number;
const query = (v8 as unknown as { queryObjects?: QueryObjects }).queryObjects;

/** Whether this Node can count live objects without a heap snapshot (`v8.queryObjects`, Node 20.13+ / 22+). */
export const canCountObjects = typeof query === 'function';

let warned = false;

/**
 * The number of live objects that inherit from `Object.prototype` — nearly every object,
 * array and function of the program (not strings, numbers or `Object.create(null)` objects) —
 * counted after V8 collects all the garbage it can. No heap snapshot: about a sixth of one's
 * time. 0 inside a vm context (V8 counts none of its objects there). Node marks
 * `v8.queryObjects` experimental and warns on its first call; heapdiff's use keeps that warning
 * out of the program's output.
 */
export function countObjects(): number {
  if (!query) throw new Error('countObjects: this Node has no v8.queryObjects (Node 20.13+ or 22+)');
  if (warned) return query(Object, { format: 'count' });
  warned = true;
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]): void {
    if (String(warning).includes('queryObjects')) return;
    (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return query(Object, { format: 'count' });
  } finally {
    process.emitWarning = emitWarning;
  }
}

/** Heap bytes in use, read right after `countObjects` collected the garbage. */
export function usedHeapBytes(): number {
  return v8.getHeapStatistics().used_heap_size;
}
