/**
 * Text from a snapshot (class names, property names, strings) made safe to print: control
 * characters — escape sequences that would drive the terminal, line breaks that would break a
 * table row — and bidirectional overrides are written as `\x1b`, `\n`, `\u202e`.
 *
 * @example printable('a\nb\x1b[2J') // 'a\\nb\\x1b[2J'
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
