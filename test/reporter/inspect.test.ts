import { describe, expect, it } from 'vitest';
import { BASE_SYSTEM_DISTANCE, NO_DISTANCE, type AllocationFrame, type NodeReport, type NodeSummary } from '@heapdiff/core';
import { INSPECT_JSON_SCHEMA, renderNodeText, toInspectJson } from '@heapdiff/reporter';
import { documentedSchema, shapeMismatches } from './readme-schemas.js';

function node(id: number, className: string, selfSize: number, retainedSize: number, type = 'object'): NodeSummary {
  return { id, name: className, className, type, label: `${className} @${id}`, selfSize, retainedSize };
}

const elements: NodeSummary = { ...node(1210, '(object elements)', 16_000, 1_500_000, 'array'), name: '' };
const map = node(1200, 'Map', 32, 1_516_032);

/** Session @1234, held by a Map through its elements, 4 hops from the roots. */
const session: NodeReport = {
  ...node(1234, 'Session', 56, 104),
  v8SelfSize: 56,
  distance: 4,
  retainerPath: 'global → sessions (Map) → table → [42] → Session @1234',
  retainerPathSteps: [
    { edge: 'sessions', edgeType: 'property', node: map },
    { edge: 'table', edgeType: 'internal', node: elements },
    { edge: '[42]', edgeType: 'element', node: node(1234, 'Session', 56, 104) },
  ],
  retainers: [
    { edge: '[42]', edgeType: 'element', node: elements },
    { edge: 'previous', edgeType: 'property', node: node(1236, 'Session', 56, 104) },
  ],
  retainerCount: 3,
  dominators: [elements, map, node(5, 'global', 40, 2_000_000), node(1, '(root)', 0, 3_000_000, 'synthetic')],
  dominated: [node(1301, 'Object', 24, 48), { ...node(1303, '(string)', 32, 32, 'string'), name: 'abc' }],
  dominatedCount: 2,
};

/** What nothing reaches: no path, no retainers, nothing dominated. */
const orphan: NodeReport = {
  ...node(77, 'Detached', 100, 100),
  v8SelfSize: 100,
  distance: NO_DISTANCE,
  retainerPath: '',
  retainerPathSteps: [],
  retainers: [],
  retainerCount: 0,
  dominators: [],
  dominated: [],
  dominatedCount: 0,
};

const frame = (functionName: string, line: number): AllocationFrame => ({
  functionName,
  scriptName: 'file:///srv/app/server.js',
  line,
  column: 3,
});

const lines = (text: string): string[] => text.split('\n');

describe('renderNodeText', () => {
  it('shows sizes, distance, retainer path, retainers, dominator chain and dominated objects', () => {
    expect(renderNodeText(session)).toBe(
      [
        'Session @1234  (object)',
        '  shallow size 56 B   retained size 104 B   distance 4',
        '',
        'Retainer path',
        '  global → sessions (Map) → table → [42] → Session @1234',
        '',
        'Retainers (2 of 3)',
        '  edge     | type     | from                    | retained size',
        '  ======== | ======== | ======================= | =============',
        '  [42]     | element  | (object elements) @1210 |       1.50 MB',
        '  previous | property | Session @1236           |         104 B',
        '',
        'Dominator chain (nearest first)',
        '  (object elements) @1210 ← Map @1200 ← global @5 ← (root) @1',
        '',
        'Dominates (2 of 2, biggest first)',
        '  object         | shallow size | retained size',
        '  ============== | ============ | =============',
        '  Object @1301   |         24 B |          48 B',
        '  (string) @1303 |         32 B |          32 B',
        '',
      ].join('\n'),
    );
  });

  it('names the class a plain object is counted under in summaries and leak reports', () => {
    const plain: NodeReport = { ...session, ...node(1234, 'Object', 56, 104), groupedAs: '{id, headers, body}' };
    expect(lines(renderNodeText(plain))[0]).toBe('Object @1234  (object), counted as {id, headers, body}');
  });

  it('says so when nothing reaches the object: unreachable, no path, no retainers, nothing dominated', () => {
    expect(renderNodeText(orphan)).toBe(
      [
        'Detached @77  (object)',
        '  shallow size 100 B   retained size 100 B   distance unreachable',
        '',
        'Retainer path',
        '  (none: nothing reaches this object)',
        '',
        'Retainers (0 of 0)',
        '  (none)',
        '',
        'Dominator chain (nearest first)',
        '  (none: nothing reaches this object)',
        '',
        'Dominates (0 of 0, biggest first)',
        '  (nothing)',
        '',
      ].join('\n'),
    );
  });

  it('the root itself: where every path starts, not "nothing reaches this object"', () => {
    const root: NodeReport = { ...orphan, ...node(1, '(root)', 0, 3_000_000, 'synthetic'), v8SelfSize: 0, distance: 0, dominatedCount: 0 };
    const text = lines(renderNodeText(root));
    expect(text.slice(3, 5)).toEqual(['Retainer path', '  (none: this is the root, where every path starts)']);
    expect(text[text.indexOf('Dominator chain (nearest first)') + 1]).toBe('  (this is the root)');
  });

  it('prints an object only the engine holds with its depth below the engine roots', () => {
    const distanceLine = (distance: number) => lines(renderNodeText({ ...session, distance }))[1];
    expect(distanceLine(BASE_SYSTEM_DISTANCE + 3)).toBe('  shallow size 56 B   retained size 104 B   distance 3 (held by the engine only)');
    expect(distanceLine(BASE_SYSTEM_DISTANCE)).toBe('  shallow size 56 B   retained size 104 B   distance 0 (held by the engine only)');
    expect(distanceLine(BASE_SYSTEM_DISTANCE - 1)).toBe(`  shallow size 56 B   retained size 104 B   distance ${BASE_SYSTEM_DISTANCE - 1}`);
    expect(distanceLine(0)).toBe('  shallow size 56 B   retained size 104 B   distance 0');
    expect(distanceLine(-1)).toBe('  shallow size 56 B   retained size 104 B   distance unreachable');
  });

  it('quotes the name when it says more than the class, cut at 60 characters', () => {
    const head = (report: Partial<NodeReport>) => lines(renderNodeText({ ...orphan, ...report }))[0];
    expect(head({ type: 'string', className: '(string)', label: '(string) @77', name: 'hello "world"' })).toBe(
      '(string) @77  (string)  "hello "world""',
    );
    const long = 'x'.repeat(61);
    expect(head({ type: 'string', className: '(string)', label: '(string) @77', name: long })).toBe(
      `(string) @77  (string)  "${'x'.repeat(59)}…"`,
    );
    expect(head({ type: 'string', className: '(string)', label: '(string) @77', name: 'x'.repeat(60) })).toBe(
      `(string) @77  (string)  "${'x'.repeat(60)}"`,
    );
    // A synthetic node's name is already its label; an empty name or the class name adds nothing.
    expect(head({ type: 'synthetic', className: '(GC roots)', label: '(GC roots) @3', name: 'GC roots' })).toBe('(GC roots) @3  (synthetic)');
    expect(head({ name: '' })).toBe('Detached @77  (object)');
  });

  it('cuts long edge names at 40 characters and long retainer labels at 60', () => {
    const report: NodeReport = {
      ...orphan,
      retainers: [{ edge: 'e'.repeat(45), edgeType: 'property', node: { ...map, label: `${'M'.repeat(70)} @1200` } }],
      retainerCount: 1234,
    };
    expect(lines(renderNodeText(report)).slice(6, 10)).toEqual([
      'Retainers (1 of 1,234)',
      `  ${'edge'.padEnd(40)} | type     | ${'from'.padEnd(60)} | retained size`,
      `  ${'='.repeat(40)} | ======== | ${'='.repeat(60)} | =============`,
      `  ${'e'.repeat(39)}… | property | ${'M'.repeat(59)}… |       1.52 MB`,
    ]);
  });

  it('lists the allocation stack innermost first, without file://', () => {
    const text = renderNodeText({
      ...orphan,
      allocationStack: [frame('makeSession', 12), frame('(anonymous)', 40), { functionName: 'main', scriptName: '', line: 0, column: 0 }],
    });
    expect(lines(text).slice(3, 12)).toEqual([
      'Retainer path',
      '  (none: nothing reaches this object)',
      '',
      'Allocated at (innermost first)',
      '  makeSession (/srv/app/server.js:12:3)',
      '  (anonymous) (/srv/app/server.js:40:3)',
      '  main (?:0:0)',
      '',
      'Retainers (0 of 0)',
    ]);
  });

  it('says the stack was not recorded for an object older than the tracking', () => {
    expect(lines(renderNodeText({ ...orphan, allocationStack: [] })).slice(6, 10)).toEqual([
      'Allocated at (innermost first)',
      '  (not recorded: allocated before tracking started)',
      '',
      'Retainers (0 of 0)',
    ]);
  });

  it('shows 10 frames and folds the rest', () => {
    const stack = Array.from({ length: 12 }, (_, i) => frame(`f${i}`, i + 1));
    const section = lines(renderNodeText({ ...orphan, allocationStack: stack })).slice(6, 19);
    expect(section).toEqual([
      'Allocated at (innermost first)',
      ...stack.slice(0, 10).map((f) => `  ${f.functionName} (/srv/app/server.js:${f.line}:3)`),
      '  … 2 more frames',
      '',
    ]);
    const exactlyTen = lines(renderNodeText({ ...orphan, allocationStack: stack.slice(0, 10) }));
    expect(exactlyTen.slice(16, 18)).toEqual(['  f9 (/srv/app/server.js:10:3)', '']);
  });

  // Known bug, left for the reporter's owners: one folded frame reads "… 1 more frames".
  it('folds a single extra frame as "… 1 more frame"', () => {
    const stack = Array.from({ length: 11 }, (_, i) => frame(`f${i}`, i + 1));
    expect(lines(renderNodeText({ ...orphan, allocationStack: stack }))[17]).toBe('  … 1 more frame');
  });
});

describe('toInspectJson', () => {
  it('is the report with the heapdiff/inspect@1 schema id and the file in front', () => {
    const json = toInspectJson(session, 'app.heapsnapshot');
    expect(json).toEqual({ schema: 'heapdiff/inspect@1', file: 'app.heapsnapshot', ...session });
    expect(Object.keys(json).slice(0, 3)).toEqual(['schema', 'file', 'id']);
    expect(INSPECT_JSON_SCHEMA).toBe('heapdiff/inspect@1');
  });

  it('has file null without a file, and allocationStack only when the report has one', () => {
    expect(toInspectJson(orphan)).toEqual({ schema: 'heapdiff/inspect@1', file: null, ...orphan });
    expect('allocationStack' in toInspectJson(orphan)).toBe(false);
    expect(toInspectJson({ ...orphan, allocationStack: [] }).allocationStack).toEqual([]);
  });

  it('has every field the README documents, with the documented types, and no other', () => {
    const { example } = documentedSchema('heapdiff/inspect@1');
    const reports = [session, orphan, { ...orphan, allocationStack: [frame('makeSession', 12)] }];
    for (const report of reports) {
      for (const json of [toInspectJson(report, 'app.heapsnapshot'), toInspectJson(report)]) {
        expect(
          shapeMismatches(JSON.parse(JSON.stringify(json)), example, {
            optional: ['allocationStack', 'groupedAs'],
            nullable: ['file'],
          }),
        ).toEqual([]);
      }
    }
  });
});
