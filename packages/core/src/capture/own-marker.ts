import { randomUUID } from 'node:crypto';

// heapdiff's own objects carry a property keyed by a symbol only this module holds, so a
// relative-heap diff tells them from the program's by the property, not by a class name a
// program may share or a refactoring may change. Unique per thread (each loads this module).
const description = flat(`heapdiff.own.${randomUUID()}`);
const OWN = Symbol(description);
// Not writable, not enumerable (so no spread or Object.assign copies it onto a program's
// object), and `true`: a heap object, so the snapshot has an edge for it (a small integer
// value would have none). Shared: marking allocates no descriptor.
const MARK: PropertyDescriptor = Object.freeze({ value: true });

/**
 * The name of the marker's edge in a heap snapshot: V8 names an edge of a symbol-keyed
 * property `<symbol DESCRIPTION>` (checked on Node 20 and 22, for plain objects, class
 * instances, closures, promises and objects whose properties are in dictionary mode).
 */
export const OWN_MARKER_EDGE = flat(`<symbol ${description}>`);

/**
 * Marks `object` as heapdiff's own: a relative-heap diff given OWN_MARKER_EDGE leaves it out,
 * with all that only it holds. Returns the object; one that cannot take the property (frozen)
 * stays unmarked.
 */
export function markOwn<T extends object>(object: T): T {
  Reflect.defineProperty(object, OWN, MARK);
  return object;
}

/**
 * `text` as one flat string. A string built by concatenation is a tree V8 flattens the first
 * time it is read whole, allocating the flat copy then: during a diff, after an outer mark's
 * baseline, where it would count as new.
 */
function flat(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}
