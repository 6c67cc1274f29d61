import { edgeLabel, formatRetainerPath, readableClassName, type RetainerStep } from '../analysis/retainer-path.js';
import { moduleTopLevelLabel, programClosureAt, programFrameLabel } from '../diff/frame-labels.js';
import type { HeapGraph } from '../graph/heap-graph.js';

/**
 * A retainer path as text, starting where the program holds the leak: from the last place on
 * the path, older than the leak (`baselineId`: not one of the leaked objects, such as a
 * listener added each round), that is the program's — a suspended module top level
 * (`app.mjs (top level) → context → sessions (Map) → …`, where the way there runs through
 * Node's module loader), a suspended async function of its own (`async runJobs() worker.js:30
 * → parameters_and_registers → …`) or a function of its own scripts, as the edge reached it
 * (`request (Function http-cache.js:21) → context → profileCache (Map) → …`, where the way
 * there runs through a server's timers and event tables, and differs from run to run) — else
 * from the GC roots.
 */
export function readablePath(graph: HeapGraph, steps: readonly RetainerStep[], baselineId: number): string {
  for (let i = steps.length - 2; i >= 0; i--) {
    const step = steps[i]!;
    const id = graph.nodeId(step.to);
    if ((id & 1) === 1 && id > baselineId) continue;
    const label = moduleTopLevelLabel(graph, step.to) ?? programFrameLabel(graph, step.to);
    if (label) return formatRetainerPath(graph, steps.slice(i + 1), label);
    // (Not a path's first step: from the GC roots, a function is where it starts anyway.)
    const at = i > 0 ? programClosureAt(graph, step.to) : undefined;
    if (at) return formatRetainerPath(graph, steps.slice(i + 1), `${edgeLabel(graph, step.edge)} (${readableClassName(graph, step.to)} ${at})`);
  }
  return formatRetainerPath(graph, steps);
}
