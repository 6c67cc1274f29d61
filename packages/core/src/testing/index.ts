// The public face of `@heapdiff/core/assert`: leak assertions for any test runner. The vitest
// matchers are in `@heapdiff/core/vitest`. Anything not listed here is private.
export { checkForLeaks, type LeakCheckOptions, type LeakingClass, type LeakVerdict } from './leak-check.js';
export { assertNoLeak } from './assert-no-leak.js';
export { describeLeaks } from './leak-message.js';
export { trackCollection, isCollected, assertCollected, whyAlive, type CollectionTracker } from './collection.js';
export { retainedSizeOf, type ValueSize } from './retained-size.js';
