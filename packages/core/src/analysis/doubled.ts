/** A copy of `array` twice as long: for work stacks that outgrow their first guess. */
export function doubled<T extends Uint32Array | Int32Array>(array: T): T {
  const grown = new (array.constructor as new (length: number) => T)(Math.max(1, array.length * 2));
  grown.set(array);
  return grown;
}
