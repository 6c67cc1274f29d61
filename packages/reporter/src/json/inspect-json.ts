import type { NodeReport } from '@heapdiff/core';

/** Identifies the shape of {@link InspectJson}; bumped only on breaking changes. */
export const INSPECT_JSON_SCHEMA = 'heapdiff/inspect@1';

/** The stable JSON form of `heapdiff inspect` (documented in packages/reporter/README.md). */
export interface InspectJson extends NodeReport {
  schema: typeof INSPECT_JSON_SCHEMA;
  file: string | null;
}

export function toInspectJson(report: NodeReport, file?: string): InspectJson {
  return { schema: INSPECT_JSON_SCHEMA, file: file ?? null, ...report };
}
