import { describe, expect, it } from 'vitest';
import type { AllocationFrame, RelativeHeap, RelativeHeapGroup } from '@heapdiff/core';
import { renderRelativeHeapText } from '@heapdiff/reporter';

/** A path of `hops` edges from global to `target`: `global → h1 → … → target`. */
function pathOf(hops: number, target: string): string {
  return ['global', ...Array.from({ length: hops - 1 }, (_, i) => `h${i + 1}`), target].join(' → ');
}

const frame = (functionName: string, line: number): AllocationFrame => ({
  functionName,
  scriptName: 'file:///srv/app.js',
  line,
  column: 7,
});

const sessions: RelativeHeapGroup = {
  className: 'Session',
  count: 5000,
  selfSize: 280_000,
  retainedSize: 520_000,
  leakRoots: 1,
  retainerPath: 'global → sessions (Map) → table → [42] → Session @2001',
};
const arrays: RelativeHeapGroup = { className: 'Array', count: 2, selfSize: 64, retainedSize: 120_032, leakRoots: 2, retainerPath: '' };
const timeouts: RelativeHeapGroup = {
  className: 'Timeout',
  count: 1,
  selfSize: 32,
  retainedSize: 32,
  leakRoots: 1,
  retainerPath: pathOf(9, 'Timeout @2003'),
};

const rel = (groups: RelativeHeapGroup[]): RelativeHeap => ({
  baselineId: 1001,
  count: groups.reduce((sum, g) => sum + g.count, 0),
  selfSize: groups.reduce((sum, g) => sum + g.selfSize, 0),
  groups,
});

describe('renderRelativeHeapText', () => {
  it('says when nothing allocated since the mark is alive', () => {
    expect(renderRelativeHeapText({ baselineId: 1001, count: 0, selfSize: 0, groups: [] })).toBe(
      'Nothing allocated since the mark is still alive.\n',
    );
  });

  it('prints the totals, a table by class, and what keeps each of the biggest classes alive', () => {
    expect(renderRelativeHeapText(rel([sessions, arrays, timeouts]))).toBe(
      [
        'New since the mark and still alive: 5,003 objects, 280.10 kB',
        '',
        'class   | # new | shallow size | retained size | leak roots',
        '======= | ===== | ============ | ============= | ==========',
        'Session | 5,000 |    280.00 kB |     520.00 kB |          1',
        'Array   |     2 |         64 B |     120.03 kB |          2',
        'Timeout |     1 |         32 B |          32 B |          1',
        '',
        'What keeps them alive (the biggest of each class):',
        '  Session: global → sessions (Map) → table → [42] → Session @2001',
        '  Timeout: … → h3 → h4 → h5 → h6 → h7 → h8 → Timeout @2003',
        '',
      ].join('\n'),
    );
  });

  it('keeps a path of up to 8 names whole and shortens a longer one to its last 7', () => {
    const pathLine = (path: string) => {
      const text = renderRelativeHeapText(rel([{ ...timeouts, retainerPath: path }]));
      return text.split('\n').at(-2);
    };
    expect(pathLine(pathOf(7, 'T'))).toBe('  Timeout: global → h1 → h2 → h3 → h4 → h5 → h6 → T');
    expect(pathLine(pathOf(8, 'T'))).toBe('  Timeout: … → h2 → h3 → h4 → h5 → h6 → h7 → T');
  });

  it('has no path section when no group has a retainer path', () => {
    expect(renderRelativeHeapText(rel([arrays]))).toBe(
      [
        'New since the mark and still alive: 2 objects, 64 B',
        '',
        'class | # new | shallow size | retained size | leak roots',
        '===== | ===== | ============ | ============= | ==========',
        'Array |     2 |         64 B |     120.03 kB |          2',
        '',
      ].join('\n'),
    );
  });

  it('folds the classes past top and gives paths for the first `paths` groups', () => {
    const text = renderRelativeHeapText(rel([sessions, arrays, timeouts]), { top: 1, paths: 1 });
    expect(text).toBe(
      [
        'New since the mark and still alive: 5,003 objects, 280.10 kB',
        '',
        'class   | # new | shallow size | retained size | leak roots',
        '======= | ===== | ============ | ============= | ==========',
        'Session | 5,000 |    280.00 kB |     520.00 kB |          1',
        '… 2 more classes',
        '',
        'What keeps them alive (the biggest of each class):',
        '  Session: global → sessions (Map) → table → [42] → Session @2001',
        '',
      ].join('\n'),
    );
  });

  it('shows 20 classes by default', () => {
    const many = Array.from({ length: 22 }, (_, i) => ({ ...arrays, className: `C${String(i).padStart(2, '0')}` }));
    const table = renderRelativeHeapText(rel(many)).split('\n');
    expect(table.slice(23, 26)).toEqual(['C19   |     2 |         64 B |     120.03 kB |          2', '… 2 more classes', '']);
  });

  // Known bug, left for the reporter's owners: the summary says "… 1 more class", this says "classes".
  it('folds a single hidden class as "… 1 more class", as the summary does', () => {
    const text = renderRelativeHeapText(rel([sessions, arrays]), { top: 1, paths: 0 });
    expect(text.split('\n')[5]).toBe('… 1 more class');
  });

  it('has no stack section when tracking recorded no stack for any group', () => {
    expect(renderRelativeHeapText(rel([{ ...arrays, allocationStacks: [] }]))).toBe(renderRelativeHeapText(rel([arrays])));
  });

  it('lists the most frequent allocation stacks, first 4 frames, without file://', () => {
    const group: RelativeHeapGroup = {
      ...sessions,
      retainerPath: '',
      allocationStacks: [
        { count: 4000, frames: [frame('makeSession', 12), frame('(anonymous)', 30), frame('handle', 50), frame('emit', 70), frame('main', 90)] },
        { count: 1000, frames: [{ functionName: 'restore', scriptName: '/srv/restore.js', line: 3, column: 1 }] },
      ],
    };
    const text = renderRelativeHeapText(rel([group, { ...arrays, allocationStacks: [] }]));
    expect(text.split('\n').slice(6)).toEqual([
      '',
      'Where they were allocated (most frequent stacks, innermost first):',
      '  Session ×4,000: makeSession (/srv/app.js:12:7) ← (anonymous) (/srv/app.js:30:7) ← handle (/srv/app.js:50:7) ← emit (/srv/app.js:70:7)',
      '  Session ×1,000: restore (/srv/restore.js:3:1)',
      '',
    ]);
  });
});
