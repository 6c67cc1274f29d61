/** A value as an error message shows it: `NaN`, `undefined`, `"abc"`, `a function`, `an array of 2`. */
export function shown(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case 'bigint':
      return `${value}n`;
    case 'function':
      return value.name ? `a function (${value.name})` : 'a function';
    case 'symbol':
      return value.toString();
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return `an array of ${value.length}`;
      return `an object (${Object.getPrototypeOf(value)?.constructor?.name ?? 'null prototype'})`;
    default:
      return String(value); // numbers (NaN, -1, Infinity), booleans, undefined
  }
}
