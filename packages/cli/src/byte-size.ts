import { UsageError } from '@heapdiff/core/errors';

/** Bytes per unit: decimal as heapdiff prints sizes (1 MB = 1,000,000 bytes), binary with an i. */
const UNIT_BYTES: Readonly<Record<string, number>> = {
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
};

/**
 * A size given on the command line: bytes (`1048576`) or with a unit (`500kB`, `2MB`, `1.5 GB`,
 * `64MiB`; any case). Refuses anything else with what it takes, naming `flag`.
 *
 * @example parseByteSize('1MB', '--min-retained') // 1000000
 */
export function parseByteSize(text: unknown, flag: string): number {
  if (Array.isArray(text)) throw new UsageError(`${flag} is given more than once: give it once`);
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/i.exec(String(text).trim());
  const factor = match ? UNIT_BYTES[(match[2] || 'b').toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw new UsageError(`${flag} takes a size: bytes, or a number with kB, MB, GB (1 MB = 1,000,000 bytes, as heapdiff prints sizes) or KiB, MiB, GiB, such as 1048576, 500kB or 2MB; got "${String(text)}"`);
  }
  const bytes = Math.round(Number(match[1]) * factor);
  if (!Number.isSafeInteger(bytes)) throw new UsageError(`${flag} is too big: ${String(text).trim()} is more bytes than any heap holds (at most ${Number.MAX_SAFE_INTEGER})`);
  return bytes;
}
