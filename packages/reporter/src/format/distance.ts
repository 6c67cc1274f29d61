import { BASE_SYSTEM_DISTANCE, formatCount, NO_DISTANCE } from '@heapdiff/core';

/**
 * A distance from the GC roots as a table cell: objects only the engine's roots reach carry
 * V8's offset of 100,000,000, shown as `5 (system)`; `–` when nothing reaches the object.
 *
 * @example distanceCell(100_000_005) // '5 (system)'
 */
export function distanceCell(distance: number): string {
  if (distance === NO_DISTANCE || distance < 0) return '–';
  return distance >= BASE_SYSTEM_DISTANCE ? `${formatCount(distance - BASE_SYSTEM_DISTANCE)} (system)` : formatCount(distance);
}
