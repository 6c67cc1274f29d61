/** Byte units, decimal as everywhere heapdiff prints sizes (DevTools' rule): 1 MB = 1,000,000 bytes. */
export const KB = 1_000;
export const MB = 1_000_000;
export const GB = 1_000_000_000;

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

/**
 * Formats a byte count for people, in decimal units as DevTools shows them:
 * `912 B`, `1.50 kB`, `64.61 MB`.
 *
 * @example formatBytes(64_610_000) // '64.61 MB'
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  // 999.995 kB would round to "1000.00 kB": step up a unit instead.
  if (unit > 0 && Number(value.toFixed(2)) >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${sign}${value} B` : `${sign}${value.toFixed(2)} ${UNITS[unit]}`;
}

/** Formats an integer with thousands separators: `1,234,567`. */
export function formatCount(count: number): string {
  return Math.round(count).toLocaleString('en-US');
}
