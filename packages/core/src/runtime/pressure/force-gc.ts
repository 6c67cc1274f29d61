import { post, serialized } from '../../capture/inspector-session.js';
import type { PressureHandler } from './memory-pressure-manager.js';

/**
 * Runs a full, major garbage collection now, through the inspector (no `--expose-gc` needed).
 * Queued behind any snapshot this thread is taking.
 *
 * @example await collectGarbage()
 */
export function collectGarbage(): Promise<void> {
  return serialized(async () => {
    await post('HeapProfiler.collectGarbage');
  });
}

/**
 * A pressure handler that runs a full garbage collection, for levels where freeing what is
 * already garbage may be enough.
 *
 * @example manager.onEnter(1, forceGc())
 */
export function forceGc(): PressureHandler {
  return () => collectGarbage();
}
