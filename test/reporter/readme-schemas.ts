import { readFileSync } from 'node:fs';

// The JSON schemas are documented by example in packages/reporter/README.md. The tests read
// those examples, so the README is the oracle: a field documented but not produced, produced
// under another type, or produced but not documented, fails a test instead of drifting.

const README = readFileSync(new URL('../../packages/reporter/README.md', import.meta.url), 'utf8');

/** Drops `//` and `/* *\/` comments outside strings, so that "file:///app.js" survives. */
function stripJsonComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (inString) {
      out += char;
      if (char === '\\') out += text[++i] ?? '';
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
      out += char;
    } else if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else {
      out += char;
    }
  }
  return out;
}

const NODE_SUMMARY = '"<NodeSummary>"';

/** The example document under the README heading of `schemaId`, with NodeSummary placeholders expanded. */
export function documentedSchema(schemaId: string): { example: Record<string, unknown> } {
  const heading = README.indexOf(`## JSON: \`${schemaId}\``);
  if (heading < 0) throw new Error(`packages/reporter/README.md documents no ${schemaId}`);
  const block = /```jsonc\n([\s\S]*?)\n```/.exec(README.slice(heading));
  if (!block) throw new Error(`no jsonc example under the ${schemaId} heading`);
  // `{ /* NodeSummary */ }` stands for the object the README defines in one sentence.
  const marked = block[1]!.replace(/\{\s*\/\*\s*NodeSummary[^*]*\*\/\s*\}/g, NODE_SUMMARY);
  const example = JSON.parse(stripJsonComments(marked)) as Record<string, unknown>;
  const sentence = /A NodeSummary is `\{ ([^}]*) \}`/.exec(README);
  // The report itself is a NodeSummary with more fields: its example values give the types.
  const nodeSummary = sentence
    ? Object.fromEntries(sentence[1]!.split(',').map((key) => [key.trim(), example[key.trim()]]))
    : undefined;
  const expand = (value: unknown): unknown => {
    if (value === '<NodeSummary>') {
      if (!nodeSummary) throw new Error('the README uses NodeSummary without defining it');
      return nodeSummary;
    }
    if (Array.isArray(value)) return value.map(expand);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, expand(inner)]));
    }
    return value;
  };
  return { example: expand(example) as Record<string, unknown> };
}

export interface ShapeOptions {
  /** Paths that may be absent, e.g. `classes[].retainedSize`. */
  optional?: readonly string[];
  /** Paths that may be null where the example shows a value, e.g. `file`. */
  nullable?: readonly string[];
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * The differences between a document and the README's example of its schema: missing fields,
 * fields of another JSON type, and fields the README does not list. Array elements are each
 * compared with the example's first element. Empty when the document matches.
 */
export function shapeMismatches(actual: unknown, example: unknown, options: ShapeOptions = {}, path = ''): string[] {
  const where = path || '(document)';
  if (actual === null && options.nullable?.includes(path)) return [];
  if (kind(actual) !== kind(example)) return [`${where}: ${kind(actual)}, documented as ${kind(example)}`];
  if (Array.isArray(example)) {
    const model = example[0];
    if (model === undefined) return [];
    return (actual as unknown[]).flatMap((item) => shapeMismatches(item, model, options, `${path}[]`));
  }
  if (kind(example) !== 'object') return [];
  const documented = example as Record<string, unknown>;
  const produced = actual as Record<string, unknown>;
  const child = (key: string): string => (path ? `${path}.${key}` : key);
  const mismatches: string[] = [];
  for (const [key, model] of Object.entries(documented)) {
    if (!(key in produced)) {
      if (!options.optional?.includes(child(key))) mismatches.push(`${child(key)}: documented, missing`);
    } else {
      mismatches.push(...shapeMismatches(produced[key], model, options, child(key)));
    }
  }
  for (const key of Object.keys(produced)) {
    if (!(key in documented)) mismatches.push(`${child(key)}: produced, not documented`);
  }
  return mismatches;
}
