import { printable } from './printable.js';

const STRING_TYPES = new Set(['string', 'concatenated string', 'sliced string']);

/**
 * How one object reads in a list of a class's objects: its class and id, then what tells it
 * from its neighbours — a string's text, a function's name, a regular expression's source —
 * cut at 80 characters after the id, and printable.
 *
 * @example objectLabel({ className: '(string)', id: 34, type: 'string', name: '/quote?sku=42' }) // '(string) @34 "/quote?sku=42"'
 */
export function objectLabel(node: { readonly className: string; readonly id: number; readonly type: string; readonly name: string }): string {
  const short = (text: string): string => printable(text.length > 80 ? `${text.slice(0, 80)}…` : text);
  const head = `${printable(node.className)} @${node.id}`;
  if (STRING_TYPES.has(node.type)) return `${head} "${short(node.name)}"`;
  if (node.type === 'closure') return `${head} ${short(node.name) || '(anonymous)'}()`;
  if (node.type === 'regexp') return `${head} /${short(node.name)}/`;
  return head;
}
