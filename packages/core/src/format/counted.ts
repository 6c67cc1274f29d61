import { formatCount } from './bytes.js';

/**
 * A count with its noun, singular for exactly one: `1 class`, `2 classes`, `1,234 objects`.
 *
 * @example counted(1, 'class', 'classes') // '1 class'
 */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(count)} ${noun(count, singular, plural)}`;
}

/**
 * The noun alone, for counts written another way (`+1 object`, `-2 objects`): singular for one
 * up or down.
 *
 * @example `${signedCount(delta)} ${noun(delta, 'object')}`
 */
export function noun(count: number, singular: string, plural = `${singular}s`): string {
  return Math.abs(Math.round(count)) === 1 ? singular : plural;
}
