import type { SourceLocation } from './class-keys.js';

/**
 * Objects of the language's machinery that V8 names after the program's function (and places
 * at it): the frames of suspended async functions and generators. Never the program's class.
 */
const MACHINERY_NAMES: ReadonlySet<string> = new Set(['Generator', 'AsyncGenerator', 'AsyncFunction', 'AsyncGeneratorFunction', 'GeneratorFunction']);

/**
 * Whether a constructor-named class (its name, where its constructor is) is the program's own:
 * defined in one of its scripts (not Node's `node:` ones, not an unknown place), and not the
 * language's machinery named after the program's function.
 */
export function isProgramConstructor(name: string, location: SourceLocation | undefined): location is SourceLocation {
  return location !== undefined && location.url !== '' && !location.url.startsWith('node:') && !MACHINERY_NAMES.has(name);
}
