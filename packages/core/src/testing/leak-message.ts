import { formatBytes, formatCount } from '../format/bytes.js';
import { counted } from '../format/counted.js';
import type { LeakingClass, LeakVerdict } from './leak-check.js';

/** At most this many leaking classes are told in full; the rest are named on one line. */
const TOLD = 3;

/**
 * The failure message of a leak assertion: per leaking class its count per iteration, what it
 * retains, how it is held and, with allocation tracking, where it was allocated — short
 * enough for a test log.
 *
 * @example
 * leak: Session ×10 kept per iteration (100 after 10 iterations), retains 12.5 kB
 *   held: server.test.ts (top level) → context → sessions (Map) → table → [3] → Session @1234
 */
export function describeLeaks(verdict: LeakVerdict): string {
  const { leaks, iterations, warmup } = verdict;
  if (leaks.length === 0) {
    const runs = `${counted(iterations, 'run')} after ${counted(warmup, 'warm-up run')}`;
    if (verdict.heap) return `no class grows with the iterations (${runs}; ${formatCount(verdict.heap.count)} new objects alive, none kept from both halves)`;
    const [middle = 0, after = 0] = verdict.quick?.objects ?? [];
    return `no class grows with the iterations (${runs}; live objects after each half: ${formatCount(middle)} → ${formatCount(after)})`;
  }
  // Told in full: the program's own classes (what a person goes and fixes), else the biggest.
  const own = leaks.filter((l) => l.location !== undefined);
  const told = (own.length > 0 ? own : leaks).slice(0, TOLD);
  const rest = leaks.filter((l) => !told.includes(l));
  const lines = [`${leaks.length === 1 ? 'a class grows' : `${leaks.length} classes grow`} with the iterations (${counted(iterations, 'run')} after ${counted(warmup, 'warm-up run')}):`];
  for (const leak of told) lines.push(...describeLeak(leak, iterations));
  if (rest.length > 0) lines.push(`  also growing: ${rest.map((l) => `${l.className} ×${formatCount(l.count)}`).join(', ')}`);
  const files = verdict.snapshots ?? [];
  if (files.length === 3) lines.push(`  snapshots kept: heapdiff leaks ${files.join(' ')}`, `    (or compare two: heapdiff diff ${files[0]} ${files[2]})`);
  else if (files.length > 0) lines.push(`  snapshot kept (with allocation stacks): heapdiff summary ${files[0]}`);
  return lines.join('\n');
}

function describeLeak(leak: LeakingClass, iterations: number): string[] {
  const per = Number.isInteger(leak.perIteration) ? formatCount(leak.perIteration) : leak.perIteration.toFixed(1);
  const at = leak.location ? ` (${leak.location.file}:${leak.location.line + 1})` : '';
  const lines = [`  leak: ${leak.className}${at} ×${per} kept per iteration (${formatCount(leak.count)} after ${iterations} iterations), retains ${formatBytes(leak.retainedSize)}`];
  if (leak.retainerPath) lines.push(`    held: ${leak.retainerPath}`);
  const frame = leak.allocationStacks?.[0]?.frames[0];
  if (frame) lines.push(`    allocated at: ${frame.functionName || '(anonymous)'} (${frame.scriptName.split('/').pop()}:${frame.line})`);
  return lines;
}
