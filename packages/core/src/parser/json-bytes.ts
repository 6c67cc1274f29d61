/**
 * Small helpers for reading JSON text as bytes. Byte values appear in the parser as hex
 * literals with the character in a comment: the hot loops compare against literals.
 */

/** JSON white space: space, "\n", "\r", "\t". */
export function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** A byte as an error message shows it: the character in quotes, or its hex value. */
export function describeByte(c: number): string {
  if (c >= 0x20 && c < 0x7f) return JSON.stringify(String.fromCharCode(c));
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/** What a string with `\` then byte `c` (not an escape JSON knows) is told it has, on one line. */
export function invalidEscape(c: number): string {
  return c >= 0x20 && c < 0x7f ? `has an invalid escape "\\${String.fromCharCode(c)}"` : `has an invalid escape: a backslash, then ${describeByte(c)}`;
}

/** A copy of `bytes[from..to)` that owns its memory (Buffer#slice would only make a view). */
export function copyOf(bytes: Uint8Array, from: number, to: number): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes, from, to);
}

/** The first position from `i` on (at most `end`) that is not JSON white space. */
export function skipSpace(bytes: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = bytes[i]!;
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
    i++;
  }
  return end;
}
