import { InvalidOptionError } from '../../errors.js';
import { byteCount, fraction, isFunction, nonEmptyString } from '../option-checks.js';
import type { MemoryReadings } from './memory-readings.js';

/** A condition on memory readings; `description` says it for people (in events and errors). */
export interface Condition {
  (readings: MemoryReadings): boolean;
  readonly description: string;
}

function named(description: string, test: (r: MemoryReadings) => boolean): Condition {
  return Object.assign((r: MemoryReadings) => test(r), { description });
}

/** A condition given as an option (levels, all/any/not): any function of the readings (its description if it has one). */
export function conditionOption(option: string, value: unknown): Condition {
  const test = isFunction<Condition>(option, value, 'a condition (a function of the readings, such as rssAboveFraction(0.8))');
  return typeof test.description === 'string' ? test : named(test.name || 'a condition', test);
}

function several(name: string, conditions: unknown[]): Condition[] {
  if (conditions.length === 0) throw new InvalidOptionError(`${name}: conditions`, 'at least one condition', conditions);
  return conditions.map((c, i) => conditionOption(`${name}: conditions[${i}]`, c));
}

/** Memory available to the process below `bytes`. */
export const availableBelow = (bytes: number): Condition => {
  const at = byteCount('availableBelow: bytes', bytes);
  return named(`available < ${at} B`, (r) => r.available < at);
};

/**
 * Memory available below `fraction` of the limit (container's or machine's): a fraction
 * between 0 and 1, so `availableBelowFraction(0.2)` for 20 %.
 */
export const availableBelowFraction = (part: number): Condition => {
  const at = fraction('availableBelowFraction: fraction', part);
  return named(`available < ${at} of limit`, (r) => r.available < at * r.limit);
};

/** Resident memory of the process above `bytes`. */
export const rssAbove = (bytes: number): Condition => {
  const at = byteCount('rssAbove: bytes', bytes);
  return named(`rss > ${at} B`, (r) => r.rss > at);
};

/** Resident memory above `fraction` of the limit (container's or machine's), between 0 and 1: 0.9 for 90 %. */
export const rssAboveFraction = (part: number): Condition => {
  const at = fraction('rssAboveFraction: fraction', part);
  return named(`rss > ${at} of limit`, (r) => r.rss > at * r.limit);
};

/** V8 heap in use above `fraction` of the heap size limit, between 0 and 1: 0.9 for 90 %. */
export const heapAboveFraction = (part: number): Condition => {
  const at = fraction('heapAboveFraction: fraction', part);
  return named(`heap > ${at} of heap limit`, (r) => r.heapUsed > at * r.heapLimit);
};

/** Any test of the readings (synchronous: it answers true or false). */
export const custom = (description: string, test: (r: MemoryReadings) => boolean): Condition =>
  named(nonEmptyString('custom: description', description), isFunction('custom: test', test, 'a function of the readings that returns true or false'));

/** All of the conditions hold. */
export const all = (...conditions: Condition[]): Condition => {
  const checked = several('all', conditions);
  return named(`all(${checked.map((c) => c.description).join(', ')})`, (r) => checked.every((c) => c(r)));
};

/** At least one of the conditions holds. */
export const any = (...conditions: Condition[]): Condition => {
  const checked = several('any', conditions);
  return named(`any(${checked.map((c) => c.description).join(', ')})`, (r) => checked.some((c) => c(r)));
};

/** The condition does not hold. */
export const not = (condition: Condition): Condition => {
  const checked = conditionOption('not: condition', condition);
  return named(`not(${checked.description})`, (r) => !checked(r));
};
