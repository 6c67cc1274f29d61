import { describe, expect, it } from 'vitest';
import type { HeapSummary } from '@heapdiff/core';
import { renderSummaryText, SUMMARY_JSON_SCHEMA, toSummaryJson } from '@heapdiff/reporter';
import { documentedSchema, shapeMismatches } from './readme-schemas.js';

const shallow: HeapSummary = {
  rows: [
    { className: '(string)', classKey: 0, count: 12_345, selfSize: 1_999_995 },
    { className: 'Session', classKey: 1, count: 5000, selfSize: 280_000 },
    { className: 'Object', classKey: 2, count: 3, selfSize: 999 },
  ],
  totalCount: 17_348,
  totalSelfSize: 2_280_994,
};

const withRetained: HeapSummary = {
  rows: [
    { className: 'Session', classKey: 3, count: 5000, selfSize: 280_000, retainedSize: 520_000 },
    { className: 'Map', classKey: 4, count: 1, selfSize: 56, retainedSize: 1_500_000 },
  ],
  totalCount: 5001,
  totalSelfSize: 280_056,
};

describe('renderSummaryText', () => {
  it('says "1 object in 1 class" in the singular', () => {
    const one: HeapSummary = { rows: [{ className: 'Map', classKey: 5, count: 1, selfSize: 56 }], totalCount: 1, totalSelfSize: 56 };
    expect(renderSummaryText(one).split('\n').at(-2)).toBe('1 object in 1 class, 56 B in total');
  });

  it('prints class, count and shallow size, then the totals, with no retained column for a shallow summary', () => {
    expect(renderSummaryText(shallow)).toBe(
      [
        'class    | # objects | shallow size',
        '======== | ========= | ============',
        '(string) |    12,345 |      2.00 MB',
        'Session  |     5,000 |    280.00 kB',
        'Object   |         3 |        999 B',
        '17,348 objects in 3 classes, 2.28 MB in total',
        '',
      ].join('\n'),
    );
  });

  it('adds the retained size column when the rows have retained sizes', () => {
    expect(renderSummaryText(withRetained)).toBe(
      [
        'class   | # objects | shallow size | retained size',
        '======= | ========= | ============ | =============',
        'Session |     5,000 |    280.00 kB |     520.00 kB',
        'Map     |         1 |         56 B |       1.50 MB',
        '5,001 objects in 2 classes, 280.06 kB in total',
        '',
      ].join('\n'),
    );
  });

  it('folds the rows past --top into one line, "class" for one', () => {
    expect(renderSummaryText(shallow, { top: 2 })).toBe(
      [
        'class    | # objects | shallow size',
        '======== | ========= | ============',
        '(string) |    12,345 |      2.00 MB',
        'Session  |     5,000 |    280.00 kB',
        '… 1 more class',
        '17,348 objects in 3 classes, 2.28 MB in total',
        '',
      ].join('\n'),
    );
  });

  it('folds several rows into "… N more classes", and the totals still count every class', () => {
    expect(renderSummaryText(shallow, { top: 1 }).split('\n').slice(2)).toEqual([
      '(string) |    12,345 |      2.00 MB',
      '… 2 more classes',
      '17,348 objects in 3 classes, 2.28 MB in total',
      '',
    ]);
  });

  it('prints no fold line when --top covers every row', () => {
    expect(renderSummaryText(shallow, { top: 3 })).toBe(renderSummaryText(shallow));
    expect(renderSummaryText(shallow, { top: 50 })).toBe(renderSummaryText(shallow));
  });

  it('cuts class names longer than 60 characters with an ellipsis', () => {
    const long = `Very${'Long'.repeat(20)}Name`;
    const text = renderSummaryText({ rows: [{ className: long, classKey: 6, count: 1, selfSize: 16 }], totalCount: 1, totalSelfSize: 16 });
    const row = text.split('\n')[2]!;
    expect(row).toBe(`${long.slice(0, 59)}… |         1 |         16 B`);
  });

  it('prints an empty summary as a bare header and zero totals', () => {
    expect(renderSummaryText({ rows: [], totalCount: 0, totalSelfSize: 0 })).toBe(
      ['class | # objects | shallow size', '===== | ========= | ============', '0 objects in 0 classes, 0 B in total', ''].join('\n'),
    );
  });
});

describe('toSummaryJson', () => {
  it('builds the heapdiff/summary@1 document, with retained sizes when the rows have them', () => {
    expect(toSummaryJson({ summary: withRetained, file: 'app.heapsnapshot', nodeCount: 57_837, edgeCount: 249_266 })).toEqual({
      schema: 'heapdiff/summary@1',
      file: 'app.heapsnapshot',
      nodeCount: 57_837,
      edgeCount: 249_266,
      totals: { count: 5001, selfSize: 280_056, classes: 2 },
      classes: [
        { className: 'Session', count: 5000, selfSize: 280_000, retainedSize: 520_000 },
        { className: 'Map', count: 1, selfSize: 56, retainedSize: 1_500_000 },
      ],
    });
    expect(SUMMARY_JSON_SCHEMA).toBe('heapdiff/summary@1');
  });

  it('leaves retainedSize out of a shallow summary (not null, not 0), and file null without a file', () => {
    const json = toSummaryJson({ summary: shallow, nodeCount: 10, edgeCount: 20 });
    expect(json.file).toBeNull();
    expect(json.classes).toEqual([
      { className: '(string)', count: 12_345, selfSize: 1_999_995 },
      { className: 'Session', count: 5000, selfSize: 280_000 },
      { className: 'Object', count: 3, selfSize: 999 },
    ]);
    expect(json.classes.every((row) => !('retainedSize' in row))).toBe(true);
  });

  it('cuts classes to top, while totals keep counting every class', () => {
    const json = toSummaryJson({ summary: shallow, nodeCount: 10, edgeCount: 20, top: 2 });
    expect(json.classes.map((row) => row.className)).toEqual(['(string)', 'Session']);
    expect(json.totals).toEqual({ count: 17_348, selfSize: 2_280_994, classes: 3 });
  });

  it('round-trips through JSON.stringify unchanged', () => {
    const json = toSummaryJson({ summary: withRetained, file: 'app.heapsnapshot', nodeCount: 1, edgeCount: 2 });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('has every field the README documents, with the documented types, and no other', () => {
    const schema = documentedSchema('heapdiff/summary@1');
    for (const summary of [withRetained, shallow]) {
      for (const file of ['app.heapsnapshot', undefined]) {
        const json = toSummaryJson({ summary, nodeCount: 1, edgeCount: 2, ...(file === undefined ? {} : { file }) });
        expect(shapeMismatches(json, schema.example, { optional: ['classes[].retainedSize', 'classes[].location'], nullable: ['file'] })).toEqual([]);
      }
    }
  });
});

describe('the README schema check itself', () => {
  it('reports a missing field, a field of another type and an undocumented field', () => {
    const { example } = documentedSchema('heapdiff/summary@1');
    const json = toSummaryJson({ summary: withRetained, nodeCount: 1, edgeCount: 2 });
    const { edgeCount: _dropped, ...missing } = json;
    expect(shapeMismatches({ ...missing, nodeCount: '1', extra: true }, example, { nullable: ['file'], optional: ['classes[].location'] })).toEqual([
      'nodeCount: string, documented as number',
      'edgeCount: documented, missing',
      'extra: produced, not documented',
    ]);
    expect(shapeMismatches(json, example, { optional: ['classes[].location'] })).toEqual(['file: null, documented as string']);
  });
});
