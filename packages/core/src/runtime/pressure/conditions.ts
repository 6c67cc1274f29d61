import type { MemoryReadings } from './memory-readings.js';

/** A condition on memory readings; `description` says it for people (in events and errors). */
export interface Condition {
  (readings: MemoryReadings): boolean;
  readonly description: string;
}

function condition(description: string, test: (r: MemoryReadings) => boolean): Condition {
  return Object.assign((r: MemoryReadings) => test(r), { description });
}

/** Memory available to the process below `bytes`. */
export const availableBelow = (bytes: number) => condition(`available < ${bytes} B`, (r) => r.available < bytes);
/** Memory available below `fraction` of the limit (container's or machine's). */
export const availableBelowFraction = (fraction: number) =>
  condition(`available < ${fraction} of limit`, (r) => r.available < fraction * r.limit);
/** Resident memory of the process above `bytes`. */
export const rssAbove = (bytes: number) => condition(`rss > ${bytes} B`, (r) => r.rss > bytes);
/** Resident memory above `fraction` of the limit (container's or machine's). */
export const rssAboveFraction = (fraction: number) => condition(`rss > ${fraction} of limit`, (r) => r.rss > fraction * r.limit);
/** V8 heap in use above `fraction` of the heap size limit. */
export const heapAboveFraction = (fraction: number) =>
  condition(`heap > ${fraction} of heap limit`, (r) => r.heapUsed > fraction * r.heapLimit);
/** Any test of the readings. */
export const custom = (description: string, test: (r: MemoryReadings) => boolean) => condition(description, test);
/** All of the conditions hold. */
export const all = (...conditions: Condition[]) =>
  condition(`all(${conditions.map((c) => c.description).join(', ')})`, (r) => conditions.every((c) => c(r)));
/** At least one of the conditions holds. */
export const any = (...conditions: Condition[]) =>
  condition(`any(${conditions.map((c) => c.description).join(', ')})`, (r) => conditions.some((c) => c(r)));
/** The condition does not hold. */
export const not = (inner: Condition) => condition(`not(${inner.description})`, (r) => !inner(r));
