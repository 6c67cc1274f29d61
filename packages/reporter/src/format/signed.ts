import { formatBytes, formatCount } from '@heapdiff/core';

/** A change in bytes with its sign: `+1.50 kB`, `-912 B`, `0 B`. */
export const signedBytes = (bytes: number): string => (bytes > 0 ? `+${formatBytes(bytes)}` : formatBytes(bytes));

/** A change in count with its sign: `+1,234`, `-12`, `0`. */
export const signedCount = (count: number): string => (count > 0 ? `+${formatCount(count)}` : formatCount(count));
