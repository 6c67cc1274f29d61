// Counts with their nouns: the core's rule (its own messages use it too).
export { counted, noun } from '@heapdiff/core';
