import { AnalysisKey } from '../graph/analysis-cache.js';
import type { HeapGraph } from '../graph/heap-graph.js';

/**
 * V8 names the two internal edges that keep a WeakMap value alive after the entry, for example
 * `7 / part of key (Object @123) -> value (Foo @456) pair in WeakMap (table @789)`: one from
 * the key, one from the table. `duplicatedPart` is the same in both; `tableId` names the table.
 */
export interface EphemeronEdgeName {
  /** The name's string index. */
  readonly index: number;
  readonly duplicatedPart: string;
  readonly tableId: number;
}

const EPHEMERON_NAME =
  /^\d+(?<duplicatedPart> \/ part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(?<tableId>\d+)\))$/;

const EPHEMERON_NAMES = new AnalysisKey<readonly EphemeronEdgeName[]>('ephemeron edge names');

/**
 * The graph's ephemeron edge names, in string order: found once per graph (a search of the
 * strings' bytes, then a match of the few that may be such names) for the analyses that need
 * them (the distances and the dominator tree's essential edges).
 */
export function ephemeronEdgeNames(graph: HeapGraph): readonly EphemeronEdgeName[] {
  return graph.analyses.get(EPHEMERON_NAMES, () => {
    const names: EphemeronEdgeName[] = [];
    for (const index of graph.strings.indexesContaining(' / part of key (')) {
      const match = EPHEMERON_NAME.exec(graph.strings.get(index));
      if (match?.groups) names.push({ index, duplicatedPart: match.groups['duplicatedPart']!, tableId: Number(match.groups['tableId']) });
    }
    return names;
  });
}
