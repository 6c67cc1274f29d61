import type { AllocationFrame } from '@heapdiff/core';

/**
 * One allocation frame as people read it: `handle (/srv/app.js:12:5)`, without `file://`.
 *
 * @example formatFrame({ functionName: 'handle', scriptName: 'file:///srv/app.js', line: 12, column: 5 })
 */
export function formatFrame(frame: AllocationFrame): string {
  return `${frame.functionName} (${frame.scriptName.replace(/^file:\/\//, '') || '?'}:${frame.line}:${frame.column})`;
}
