import type { LeakGroup, LeakReport } from '@heapdiff/core';
import { toLocationJson, type LocationJson } from './location-json.js';
import { checkLeakReport } from '../format/checked-input.js';

/** Identifies the shape of {@link LeaksJson}; bumped only on breaking changes. */
export const LEAKS_JSON_SCHEMA = 'heapdiff/leaks@1';

/** One leak (or bounded group) in JSON. */
export interface LeakGroupJson {
  name: string;
  heldBy?: string;
  holderName?: string;
  location?: LocationJson;
  count: number;
  retainedSize: number;
  shallowSize: number;
  retainerPath: { edge: string; className: string; id: number }[];
  retainerPathText: string;
  retains: { className: string; count: number; retainedSize: number }[];
  liveCounts: number[];
  allocatedPerRound: number[];
  allocationStacks?: { count: number; frames: { functionName: string; scriptName: string; line: number; column: number }[] }[];
  sampleIds: number[];
}

/** The stable JSON form of a leak report (packages/reporter/README.md). */
export interface LeaksJson {
  schema: typeof LEAKS_JSON_SCHEMA;
  snapshots: { file: string | null; nodeCount: number; maxJsNodeId: number }[];
  leakedObjects: number;
  leftOut: number;
  /** Of `leftOut`, how many each option left out (the first that applies: ignore, minCount, minRetainedSize). */
  leftOutBy: { ignore: number; minCount: number; minRetainedSize: number };
  leaks: LeakGroupJson[];
  bounded: LeakGroupJson[];
}

function groupJson(group: LeakGroup): LeakGroupJson {
  return {
    name: group.name,
    ...(group.heldBy === undefined ? {} : { heldBy: group.heldBy }),
    ...(group.holderName === undefined ? {} : { holderName: group.holderName }),
    ...(group.location ? { location: toLocationJson(group.location) } : {}),
    count: group.count,
    retainedSize: group.retainedSize,
    shallowSize: group.shallowSize,
    retainerPath: group.retainerPath.map((step) => ({ ...step })),
    retainerPathText: group.retainerPathText,
    retains: group.retains.map((r) => ({ ...r })),
    liveCounts: [...group.liveCounts],
    allocatedPerRound: [...group.allocatedPerRound],
    ...(group.allocationStacks ? { allocationStacks: group.allocationStacks.map((s) => ({ count: s.count, frames: s.frames.map((f) => ({ ...f })) })) } : {}),
    sampleIds: [...group.sampleIds],
  };
}

/** Builds the JSON document for a leak report; `JSON.stringify` it to print. */
export function toLeaksJson(report: LeakReport, files: readonly string[] = []): LeaksJson {
  checkLeakReport('toLeaksJson', report, files.length === 0 ? {} : { files });
  return {
    schema: LEAKS_JSON_SCHEMA,
    snapshots: report.snapshots.map((s, i) => ({ file: files[i] ?? null, ...s })),
    leakedObjects: report.leakedObjects,
    leftOut: report.leftOut,
    leftOutBy: { ...report.leftOutBy },
    leaks: report.leaks.map(groupJson),
    bounded: report.bounded.map(groupJson),
  };
}
