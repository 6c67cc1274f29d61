import { printable } from './printable.js';

/**
 * Text as one word of a shell command line: as is when it is plain, else in single quotes, so
 * that a suggested command can be pasted whatever the file or class is called. (Control
 * characters are still made printable: the terminal comes first.)
 *
 * @example shellWord('Session (app.js:3)') // "'Session (app.js:3)'"
 */
export function shellWord(text: string): string {
  return printable(/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);
}
