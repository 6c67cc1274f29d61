import { describe, expect, it } from 'vitest';
import type { LeakGroup, LeakReport, SnapshotDiff, SourceLocation } from '@heapdiff/core';
import { renderDiffMarkdown, renderDiffText, renderLeaksMarkdown, renderLeaksText, toDiffJson, toLeaksJson } from '@heapdiff/reporter';
import { documentedSchema, shapeMismatches } from './readme-schemas.js';

const at = (file: string, line: number): SourceLocation => ({ scriptId: 7, line, column: 2, file, url: `file:///app/${file}` });

const diff: SnapshotDiff = {
  rows: [
    { className: 'Session', location: at('a.js', 11), newCount: 600, deletedCount: 0, countDelta: 600, allocSize: 33_600, freedSize: 0, sizeDelta: 33_600, retainedSizeDelta: 96_000 },
    { className: 'Session', location: at('b.js', 2), newCount: 1, deletedCount: 3, countDelta: -2, allocSize: 56, freedSize: 168, sizeDelta: -112, retainedSizeDelta: -200 },
    { className: 'a|b `x`', newCount: 2, deletedCount: 0, countDelta: 2, allocSize: 64, freedSize: 0, sizeDelta: 64, retainedSizeDelta: 64 },
  ],
  newCount: 603,
  deletedCount: 3,
  allocSize: 33_720,
  freedSize: 168,
  commonCount: 52_050,
  base: { nodeCount: 100, maxJsNodeId: 999 },
  current: { nodeCount: 120, maxJsNodeId: 1999 },
};

const leak: LeakGroup = {
  name: 'PollingJob',
  location: at('jobs.js', 58),
  heldBy: 'Timeout',
  count: 600,
  retainedSize: 192_000,
  shallowSize: 72_000,
  retainerPath: [
    { edge: 'timerListMap', className: 'Object', id: 11 },
    { edge: '_idleNext', className: 'Timeout', id: 109_341 },
  ],
  retainerPathText: 'global → timerListMap (Object) → _idleNext → Timeout @109341',
  retains: [
    { className: 'PollingJob', count: 600, retainedSize: 24_000 },
    { className: 'Function', count: 600, retainedSize: 33_600 },
  ],
  allocationStacks: [{ count: 600, frames: [{ functionName: 'startJob', scriptName: 'file:///app/jobs.js', line: 70, column: 5 }] }],
  liveCounts: [1000, 1300, 1600],
  allocatedPerRound: [300, 300],
  sampleIds: [109_341, 109_343],
};
const bounded: LeakGroup = { ...leak, name: 'LruEntry', heldBy: undefined as never, count: 50, retainedSize: 4000, liveCounts: [50, 50, 50] };
delete (bounded as { heldBy?: string }).heldBy;
const snapshots = [1, 2, 3].map((k) => ({ nodeCount: 100 * k, maxJsNodeId: 1000 * k }));
const report: LeakReport = { leaks: [leak], bounded: [bounded], leftOut: 0, leftOutBy: { ignore: 0, minCount: 0, minRetainedSize: 0 }, leakedObjects: 3610, snapshots };
const files = ['s0.heapsnapshot', 's1.heapsnapshot', 's2.heapsnapshot'];

describe('comparison renderers', () => {
  it('text: one aligned row per class, same-named classes told apart by file and line, totals', () => {
    expect(renderDiffText(diff)).toBe(
      [
        'class             | # new | # deleted | # delta | alloc. size | freed size | size delta | retained delta',
        '================= | ===== | ========= | ======= | =========== | ========== | ========== | ==============',
        'Session (a.js:12) |   600 |         0 |    +600 |    33.60 kB |        0 B |  +33.60 kB |      +96.00 kB',
        'Session (b.js:3)  |     1 |         3 |      -2 |        56 B |      168 B |     -112 B |         -200 B',
        'a|b `x`           |     2 |         0 |      +2 |        64 B |        0 B |      +64 B |          +64 B',
        '603 new objects (33.72 kB), 3 deleted objects (168 B): +600 objects, +33.55 kB in 3 classes that changed',
        '',
      ].join('\n'),
    );
  });

  it('text with --top and colours: the rest folded, growth red, shrinking green', () => {
    const text = renderDiffText(diff, { top: 2, colour: true });
    expect(text.split('\n')[2]).toMatch(/\x1b\[31m\+96\.00 kB\x1b\[39m$/);
    expect(text.split('\n')[3]).toMatch(/\x1b\[32m-200 B\x1b\[39m$/);
    expect(text.split('\n')[4]).toBe('… 1 more class');
  });

  it('Markdown: escapes table characters in class names', () => {
    const md = renderDiffMarkdown(diff, { baseFile: 'a.heapsnapshot', currentFile: 'b.heapsnapshot' });
    expect(md.split('\n').slice(0, 4)).toEqual([
      '### Heap comparison (`a.heapsnapshot` → `b.heapsnapshot`)',
      '',
      '+600 objects, +33.55 kB: 603 new objects (33.72 kB), 3 deleted objects (168 B).',
      '',
    ]);
    expect(md).toContain('| a\\|b `x` | 2 | 0 | +2 | 64 B | 0 B | +64 B | +64 B |');
  });

  it('JSON: every documented field, 1-based lines, and no other', () => {
    const json = toDiffJson({ diff, baseFile: 'a.heapsnapshot', currentFile: 'b.heapsnapshot' });
    expect(json.classes[0]!.location).toEqual({ file: 'a.js', url: 'file:///app/a.js', line: 12, column: 3, scriptId: 7 });
    const { example } = documentedSchema('heapdiff/diff@1');
    expect(shapeMismatches(json, example, { optional: ['classes[].location', 'classes[].retainedSizeDelta'], nullable: ['base.file', 'current.file'] })).toEqual([]);
    expect(shapeMismatches(toDiffJson({ diff }), example, { optional: ['classes[].location', 'classes[].retainedSizeDelta'], nullable: ['base.file', 'current.file'] })).toEqual([]);
  });
});

describe('leak report renderers', () => {
  it('text: each leak in full, then what does not grow', () => {
    expect(renderLeaksText(report, { files })).toBe(
      [
        '1 leak in 3 snapshots, retaining 192.00 kB:',
        '',
        '1. PollingJob ×600, held by Timeout: retains 192.00 kB (shallow 72.00 kB)',
        '   live: 1,000 → 1,300 → 1,600   leaked per round: 300, 300',
        '   path: global → timerListMap (Object) → _idleNext → Timeout @109341',
        '   retains: PollingJob ×600, Function ×600',
        '   defined at: jobs.js:59',
        '   allocated ×600: startJob jobs.js:70',
        '   look at one: heapdiff inspect s2.heapsnapshot @109341',
        '',
        'Not growing (new and alive, but bounded): LruEntry ×50 (4.00 kB)',
        '',
      ].join('\n'),
    );
  });

  it('text: no leak', () => {
    expect(renderLeaksText({ ...report, leaks: [], bounded: [] })).toBe(
      'No leaks: of the 3,610 objects allocated after the first of 3 snapshots and still alive, nothing grows.\n',
    );
  });

  it('Markdown: a table, then each path and how to look at one, then what does not grow', () => {
    expect(renderLeaksMarkdown(report, { files })).toBe(
      [
        '### 1 leak in 3 snapshots',
        '',
        '| leak | held by | count | retained | live per snapshot |',
        '| :--- | :--- | ---: | ---: | :--- |',
        '| PollingJob | Timeout | 600 | 192.00 kB | 1,000 → 1,300 → 1,600 |',
        '',
        '**PollingJob** (`jobs.js:59`)',
        '',
        '- path: `global → timerListMap (Object) → _idleNext → Timeout @109341`',
        '- retains `PollingJob` ×600, `Function` ×600',
        '- look at one: `heapdiff inspect s2.heapsnapshot @109341`',
        '',
        'Not growing (new and alive, but bounded): `LruEntry` ×50 (4.00 kB)',
        '',
      ].join('\n'),
    );
  });

  it('text and Markdown say which filters left leaks out, with counts when several did', () => {
    const one = { ...report, leaks: [], leftOut: 2, leftOutBy: { ignore: 0, minCount: 2, minRetainedSize: 0 } };
    expect(renderLeaksText(one).split('\n')[0]).toBe('No leaks reported: 2 growing groups left out by --min-count.');
    expect(renderLeaksMarkdown(one).split('\n').slice(0, 3)).toEqual(['### No leaks reported', '', '2 growing groups left out by `--min-count`.']);
    const several = { ...report, leftOut: 3, leftOutBy: { ignore: 1, minCount: 0, minRetainedSize: 2 } };
    expect(renderLeaksText(several, { files }).split('\n')[0]).toBe('1 leak in 3 snapshots, retaining 192.00 kB (and 3 left out by --ignore (1) and --min-retained (2)):');
    expect(renderLeaksMarkdown(several).split('\n')[0]).toBe('### 1 leak in 3 snapshots (and 3 left out by `--ignore` (1) and `--min-retained` (2))');
  });

  it('Markdown: names in the table escaped once (by the table), the holder named as in the text report', () => {
    const md = renderLeaksMarkdown({ ...report, leaks: [{ ...leak, name: '(string)', heldBy: 'Function', holderName: 'listener' }] });
    expect(md.split('\n')[4]).toBe('| (string) | Function listener | 600 | 192.00 kB | 1,000 → 1,300 → 1,600 |');
  });

  it('JSON: every documented field, for leaks and bounded groups, with and without files', () => {
    const { example } = documentedSchema('heapdiff/leaks@1');
    const options = { optional: ['leaks[].heldBy', 'leaks[].holderName', 'leaks[].location', 'leaks[].allocationStacks'], nullable: ['snapshots[].file'] };
    const json = toLeaksJson(report, files);
    expect(json.snapshots.map((s) => s.file)).toEqual(files);
    // `bounded` has the same fields as `leaks`: check it against the leaks' example.
    const asLeaks = { ...json, leaks: [...json.leaks, ...json.bounded], bounded: [] };
    expect(shapeMismatches(asLeaks, example, options)).toEqual([]);
    expect(shapeMismatches({ ...toLeaksJson(report), bounded: [] }, example, options)).toEqual([]);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe('hostile names from a snapshot', () => {
  const evil = 'Evil\x1b]0;pwned\x07\x1b[2J\n# Heading <b>x</b>';
  const hostile: LeakReport = { ...report, leaks: [{ ...leak, name: evil, retainerPathText: `global → ${evil} @1` }] };

  it('text: control characters and line breaks are shown escaped, never sent to the terminal', () => {
    const text = renderLeaksText(hostile, { files });
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(text).toContain('1. Evil\\x1b]0;pwned\\x07\\x1b[2J\\n# Heading <b>x</b> ×600');
    const table = renderDiffText({ ...diff, rows: [{ ...diff.rows[0]!, className: evil }] });
    expect(table.split('\n')).toHaveLength(5);
  });

  it('Markdown: no link, image or emphasis comes from a name in the table; the file to inspect is quoted for the shell', () => {
    const md = renderLeaksMarkdown({ ...report, leaks: [{ ...leak, name: '![x](http://e/i.png) [y](http://e) **b** _i_' }] }, { files: ['s0', 's1', 'my dir/s2.heapsnapshot'] });
    expect(md.split('\n')[4]).toBe('| \\!\\[x\\](http://e/i.png) \\[y\\](http://e) \\*\\*b\\*\\* \\_i\\_ | Timeout | 600 | 192.00 kB | 1,000 → 1,300 → 1,600 |');
    expect(md).toContain("- look at one: `heapdiff inspect 'my dir/s2.heapsnapshot' @109341`");
    expect(renderLeaksText(report, { files: ['s0', 's1', 'my dir/s2.heapsnapshot'] })).toContain("   look at one: heapdiff inspect 'my dir/s2.heapsnapshot' @109341");
  });

  it('Markdown: no heading, tag or line break comes from a name', () => {
    const md = renderLeaksMarkdown(hostile);
    // Inside code spans text is shown as is; outside, nothing may read as a tag or a heading.
    const prose = md.replace(/`[^`\n]*`/g, '');
    expect(prose).not.toMatch(/<b>|^# /m);
    expect(md.split('\n').every((line) => !/[\x00-\x1f]/.test(line))).toBe(true);
    expect(md).toContain('**Evil\\\\x1b\\]0;pwned\\\\x07\\\\x1b\\[2J\\\\n\\# Heading &lt;b&gt;x&lt;/b&gt;**');
  });
});

describe('renderers given the wrong thing say what they take', () => {
  it('leak reports and comparisons', () => {
    expect(() => renderLeaksText(undefined as never)).toThrow('renderLeaksText: takes a leak report (findLeaks), got undefined');
    expect(() => renderLeaksMarkdown({} as never)).toThrow('renderLeaksMarkdown: takes a leak report (findLeaks), got an object of another kind');
    expect(() => renderLeaksText(report, { top: -1 })).toThrow('renderLeaksText: top must be a whole number from 0, got -1');
    // One name per snapshot: with fewer, "look at one" would name another snapshot.
    expect(() => renderLeaksText(report, { files: ['a'] })).toThrow('renderLeaksText: files must name each of the 3 snapshots, oldest first; got 1');
    expect(() => toLeaksJson(report, ['a', 'b'])).toThrow('toLeaksJson: files must name each of the 3 snapshots, oldest first; got 2');
    expect(() => renderDiffText(null as never)).toThrow('renderDiffText: takes a comparison (diffSnapshots), got null');
    expect(() => toDiffJson(diff as never)).toThrow(/^toDiffJson: takes \{ diff, baseFile\?, currentFile\?, top\? \}/);
  });
});
