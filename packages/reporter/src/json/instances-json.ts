import type { NodeSummary } from '@heapdiff/core';
import type { InstanceList } from '../instance-list.js';
import { toLocationJson, type LocationJson } from './location-json.js';

/** Identifies the shape of {@link InstancesJson}; bumped only on breaking changes. */
export const INSTANCES_JSON_SCHEMA = 'heapdiff/instances@1';

/** The stable JSON form of `heapdiff summary FILE --instances CLASS` (documented in packages/reporter/README.md). */
export interface InstancesJson {
  schema: typeof INSTANCES_JSON_SCHEMA;
  file: string | null;
  /** The class name asked for. */
  className: string;
  /** Objects of the classes listed (before --top). */
  count: number;
  classes: { className: string; location?: LocationJson; count: number; selfSize: number }[];
  /** Biggest retained size first, cut to --top. */
  objects: (NodeSummary & { distance: number; classIndex: number })[];
}

/** Builds the JSON document for an instance list; `JSON.stringify` it to print. */
export function toInstancesJson(list: InstanceList, file?: string): InstancesJson {
  return {
    schema: INSTANCES_JSON_SCHEMA,
    file: file ?? null,
    className: list.className,
    count: list.classes.reduce((sum, c) => sum + c.count, 0),
    classes: list.classes.map((c) => ({
      className: c.className,
      ...(c.location ? { location: toLocationJson(c.location) } : {}),
      count: c.count,
      selfSize: c.selfSize,
    })),
    objects: list.objects.map((o) => ({
      id: o.id,
      name: o.name,
      className: o.className,
      type: o.type,
      label: o.label,
      selfSize: o.selfSize,
      retainedSize: o.retainedSize,
      distance: o.distance,
      classIndex: o.classIndex,
    })),
  };
}
