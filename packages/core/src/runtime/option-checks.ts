import { InvalidOptionError } from '../errors.js';

// The runtime kit's options, checked where they are given: a limit of NaN (an unset environment
// variable times MB) or an interval of 0 must fail loudly at once, not disable a check or spin a
// timer at the first tick. `option` names the function and the option: `memoryWatcher: limit`.

/** An unset environment variable times MB is NaN: say so, it is the usual way to get one. */
const hintFor = (value: unknown): string | undefined => (Number.isNaN(value) ? 'is the environment variable set?' : undefined);

/** Bytes of a limit: a finite number > 0. */
export function positiveBytes(option: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  throw new InvalidOptionError(option, 'a finite number of bytes > 0', value, hintFor(value));
}

/** Bytes of a threshold: a finite number >= 0. */
export function byteCount(option: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw new InvalidOptionError(option, 'a finite number of bytes >= 0', value, hintFor(value));
}

/** A fraction of a limit, strictly between 0 and 1; a percent (20 for 0.2) is the usual mistake. */
export function fraction(option: string, value: unknown): number {
  if (typeof value === 'number' && value > 0 && value < 1) return value;
  const percent = typeof value === 'number' && value >= 1 && value <= 100;
  throw new InvalidOptionError(option, 'a fraction > 0 and < 1', value, percent ? `a fraction, not a percent: ${value} % is ${value / 100}` : hintFor(value));
}

/** A duration in ms within [min, max]; `Infinity` only where it means "never" and is allowed. */
export function milliseconds(option: string, value: unknown, range: { min: number; max?: number }): number {
  const max = range.max ?? Infinity;
  if (typeof value === 'number' && value >= range.min && value <= max) return value;
  const accepted = max === Infinity ? `a number of ms >= ${range.min} (Infinity: never)` : `a number of ms from ${range.min} to ${max}`;
  throw new InvalidOptionError(option, accepted, value, hintFor(value));
}

/** A whole number within [min, max]. */
export function wholeNumber(option: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  const accepted = max === Number.MAX_SAFE_INTEGER ? `a whole number >= ${min}` : `a whole number from ${min} to ${max}`;
  throw new InvalidOptionError(option, accepted, value, hintFor(value));
}

export function isFunction<T extends (...args: never[]) => unknown>(option: string, value: unknown, accepted = 'a function'): T {
  if (typeof value === 'function') return value as T;
  throw new InvalidOptionError(option, accepted, value);
}

export function isBoolean(option: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  throw new InvalidOptionError(option, 'true or false', value);
}

export function nonEmptyString(option: string, value: unknown, accepted = 'a non-empty string'): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new InvalidOptionError(option, accepted, value);
}

/** An options object (or nothing, when `optional`): not null, not an array, not a primitive. */
export function optionsObject<T extends object>(option: string, value: unknown, optional: true): Partial<T>;
export function optionsObject<T extends object>(option: string, value: unknown, optional?: false): T;
export function optionsObject<T extends object>(option: string, value: unknown, optional = false): T | Partial<T> {
  if (value === undefined && optional) return {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as T;
  throw new InvalidOptionError(option, optional ? 'an options object, or nothing' : 'an options object', value);
}

/** A stream to write lines to: anything with a `write(text)` method. */
export function writable(option: string, value: unknown): NodeJS.WritableStream {
  if (typeof value === 'object' && value !== null && typeof (value as { write?: unknown }).write === 'function') return value as NodeJS.WritableStream;
  throw new InvalidOptionError(option, 'a writable stream (with a write method), such as process.stderr', value);
}

/** One of a few names. */
export function oneOf<T extends string>(option: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new InvalidOptionError(option, `one of ${allowed.map((name) => `'${name}'`).join(', ')}`, value);
}
