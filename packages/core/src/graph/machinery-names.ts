/**
 * Objects of the language's machinery that V8 names after the program's function (and places
 * at it): the frames of suspended async functions and generators. Never the program's class.
 */
export const MACHINERY_NAMES: ReadonlySet<string> = new Set(['Generator', 'AsyncGenerator', 'AsyncFunction', 'AsyncGeneratorFunction', 'GeneratorFunction']);
