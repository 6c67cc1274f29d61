import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as core from '@heapdiff/core';
import { ERROR_CODES, HeapdiffError } from '@heapdiff/core';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The rows of the README's error table: [class, code]. */
function readmeErrorTable(): [string, string][] {
  const section = readme.slice(readme.indexOf('### Errors'), readme.indexOf('\n## ', readme.indexOf('### Errors')));
  return [...section.matchAll(/^\|\s*`(\w+)`\s*\|\s*`(HEAPDIFF_\w+)`\s*\|/gm)].map((m) => [m[1]!, m[2]!]);
}

describe('errors', () => {
  it('the README lists every error class with its code, in the order of errors.ts', () => {
    expect(readmeErrorTable()).toEqual(Object.entries(ERROR_CODES));
  });

  it('every error class exported is in ERROR_CODES, and its instances carry that code', () => {
    const classes = Object.entries(core).filter(([, value]) => typeof value === 'function' && value.prototype instanceof HeapdiffError);
    // SnapshotError is the abstract base of the snapshot errors: it has no code of its own.
    const concrete = classes.map(([name]) => name).filter((name) => name !== 'SnapshotError');
    expect(concrete.sort()).toEqual(Object.keys(ERROR_CODES).sort());
    const samples: HeapdiffError[] = [
      new core.InputReadError('x'),
      new core.SnapshotFormatError('x'),
      new core.SnapshotTruncatedError('x'),
      new core.SnapshotInconsistentError('x'),
      new core.SnapshotEncodingError('x'),
      new core.SnapshotTooLargeError('x'),
      new core.AbortedError(),
      new core.NodeNotFoundError(1),
      new core.CaptureError('x'),
      new core.MemoryLimitError(2, 1),
      new core.HeapDumpRefusedError('x'),
      new core.UsageError('x'),
      new core.SnapshotsUnrelatedError('x'),
      new core.InvalidOptionError('f: x', 'a number', 'x'),
      new core.PressureHandlerError('x', { level: 1, kind: 'enter' }),
    ];
    expect(Object.fromEntries(samples.map((error) => [error.name, error.code]))).toEqual(ERROR_CODES);
  });
});
