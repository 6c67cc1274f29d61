import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount } from '@heapdiff/core';

// Sizes are decimal, as DevTools prints them: 1 kB = 1,000 bytes, 1 MB = 1,000,000 bytes.
describe('formatBytes', () => {
  it('prints whole bytes below 1,000 without decimals', () => {
    expect([0, 1, 999].map(formatBytes)).toEqual(['0 B', '1 B', '999 B']);
  });

  it('switches unit at 1,000, not 1,024, with two decimals', () => {
    expect([1000, 1023, 1024, 1500, 64_610_000, 2_500_000_000, 3_000_000_000_000].map(formatBytes)).toEqual([
      '1.00 kB',
      '1.02 kB',
      '1.02 kB',
      '1.50 kB',
      '64.61 MB',
      '2.50 GB',
      '3.00 TB',
    ]);
  });

  it('steps up a unit rather than print "1000.00" of the smaller one', () => {
    expect(formatBytes(999_994)).toBe('999.99 kB');
    expect(formatBytes(999_995)).toBe('1.00 MB');
    expect(formatBytes(999_999)).toBe('1.00 MB');
    expect(formatBytes(999_995_000)).toBe('1.00 GB');
  });

  it('stays in TB, the largest unit, however big', () => {
    expect(formatBytes(1_500_000_000_000_000)).toBe('1500.00 TB');
  });

  it('keeps the sign of negative sizes (shrinking memory)', () => {
    expect([-1, -999, -1500, -999_995].map(formatBytes)).toEqual(['-1 B', '-999 B', '-1.50 kB', '-1.00 MB']);
  });

  it('prints non-finite values as they are instead of looping or inventing a unit', () => {
    expect([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map(formatBytes)).toEqual([
      'NaN',
      'Infinity',
      '-Infinity',
    ]);
  });
});

describe('formatCount', () => {
  it('groups thousands with commas, whatever the locale of the machine', () => {
    expect([0, 7, 999, 1000, 1_234_567, -1234].map(formatCount)).toEqual(['0', '7', '999', '1,000', '1,234,567', '-1,234']);
  });

  it('rounds to a whole number', () => {
    expect([0.4, 1.5, 999.5].map(formatCount)).toEqual(['0', '2', '1,000']);
  });

  it('prints NaN as NaN', () => {
    expect(formatCount(Number.NaN)).toBe('NaN');
  });
});
