import { formatCount } from '@heapdiff/core';

/**
 * A count with its noun, singular for exactly one: `1 class`, `2 classes`, `1,234 objects`.
 *
 * @example counted(1, 'class', 'classes') // '1 class'
 */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(count)} ${Math.round(count) === 1 ? singular : plural}`;
}
