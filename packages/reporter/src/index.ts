export { renderTable, type Column } from './format/table.js';
export { renderSummaryText, type SummaryTextOptions } from './text/summary-text.js';
export { toSummaryJson, SUMMARY_JSON_SCHEMA, type SummaryJson, type SummaryJsonInput } from './json/summary-json.js';
export { renderNodeText } from './text/inspect-text.js';
export { toInspectJson, INSPECT_JSON_SCHEMA, type InspectJson } from './json/inspect-json.js';
export { renderRelativeHeapText, type RelativeHeapTextOptions } from './text/relative-heap-text.js';
