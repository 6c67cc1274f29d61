import { describe, expect, it } from 'vitest';
import {
  currentView,
  initialState,
  keyAction,
  reduce,
  type LineInfo,
  type Screen,
  type UiAction,
  type UiContext,
  type UiState,
  type View,
} from '@heapdiff/cli/ui';

// The UI's state machine, without rendering: a fake data context gives list lengths, what Enter
// opens and what a detail line offers.

/** A context where every class table has `rows` rows (fewer when filtered), instance lists 1,000,000, details 40 lines. */
function context(options: { rows?: number; pageSize?: number; lines?: Record<number, LineInfo> } = {}): UiContext {
  const rows = options.rows ?? 100;
  return {
    pageSize: options.pageSize ?? 10,
    length: (view: View) => {
      if (view.screen.kind === 'instances') return 1_000_000;
      if (view.screen.kind === 'node') return 40;
      return view.filter ? Math.max(0, rows - 10 * view.filter.length) : rows;
    },
    open: (view: View, index: number): Screen | undefined => {
      if (view.screen.kind === 'classes') return { kind: 'instances', source: { from: 'class', classKey: index }, title: `class ${index}` };
      if (view.screen.kind === 'instances') return { kind: 'node', node: index, title: `@${index}` };
      if (view.screen.kind === 'node') return index === 0 ? undefined : { kind: 'node', node: 1000 + index, title: `@${1000 + index}` };
      return undefined;
    },
    line: (_view: View, index: number) => options.lines?.[index],
    // Rows are r0, r1, … in name order; sorting by count turns the order around (so does reverse).
    keyAt: (view: View, index: number) => `r${turned(view) ? rows - 1 - index : index}`,
    indexOfKey: (view: View, key: string) => {
      const row = Number(key.slice(1));
      const index = turned(view) ? rows - 1 - row : row;
      return index < context(options).length(view) ? index : -1;
    },
  };
}

const turned = (view: View): boolean => (view.sort === 'count') !== view.reverse;

function run(state: UiState, actions: readonly UiAction[], ctx = context()): UiState {
  return actions.reduce((s, a) => reduce(s, a, ctx), state);
}

const start = initialState(['summary', 'comparison', 'leaks']);

describe('the UI state machine', () => {
  it('moves the selection within the list and scrolls just enough to keep it on screen', () => {
    let s = run(start, [{ type: 'move', by: -1 }]);
    expect(currentView(s)).toMatchObject({ selected: 0, scroll: 0 });
    s = run(s, Array.from({ length: 12 }, () => ({ type: 'move', by: 1 }) as const));
    expect(currentView(s)).toMatchObject({ selected: 12, scroll: 3 });
    s = run(s, [{ type: 'page', by: 1 }]);
    expect(currentView(s)).toMatchObject({ selected: 22, scroll: 13 });
    s = run(s, [{ type: 'end' }]);
    expect(currentView(s)).toMatchObject({ selected: 99, scroll: 90 });
    s = run(s, [{ type: 'move', by: 5 }]);
    expect(currentView(s)).toMatchObject({ selected: 99, scroll: 90 });
    s = run(s, [{ type: 'page', by: -1 }]);
    expect(currentView(s)).toMatchObject({ selected: 89, scroll: 89 });
    s = run(s, [{ type: 'home' }]);
    expect(currentView(s)).toMatchObject({ selected: 0, scroll: 0 });
  });

  it('an empty list keeps the selection at 0 and Enter opens nothing', () => {
    const ctx = context({ rows: 0 });
    const s = run(start, [{ type: 'end' }, { type: 'move', by: 3 }, { type: 'open' }], ctx);
    expect(currentView(s)).toMatchObject({ selected: 0, scroll: 0, screen: { kind: 'classes' } });
    expect(s.stacks.summary).toHaveLength(1);
  });

  it('Enter drills down (class → its objects → one object) and back restores each level’s selection', () => {
    let s = run(start, [{ type: 'move', by: 4 }, { type: 'open' }]);
    expect(currentView(s).screen).toEqual({ kind: 'instances', source: { from: 'class', classKey: 4 }, title: 'class 4' });
    expect(currentView(s)).toMatchObject({ selected: 0, sort: 'retained' });
    s = run(s, [{ type: 'end' }, { type: 'open' }]);
    expect(currentView(s).screen).toEqual({ kind: 'node', node: 999_999, title: '@999999' });
    s = run(s, [{ type: 'back' }]);
    expect(currentView(s)).toMatchObject({ selected: 999_999, scroll: 999_990 });
    s = run(s, [{ type: 'back' }]);
    expect(currentView(s)).toMatchObject({ selected: 4, screen: { kind: 'classes' } });
    // At the tab's own table, back does nothing.
    expect(run(s, [{ type: 'back' }])).toBe(s);
  });

  it('a column key sorts by it, keeping the selected row (scrolled to); the same key again reverses', () => {
    let s = run(start, [{ type: 'move', by: 7 }, { type: 'sort', key: 'c' }]);
    // Row r7 was 8th; sorted the other way round it is 8th from the end.
    expect(currentView(s)).toMatchObject({ sort: 'count', reverse: false, selected: 92, scroll: 83 });
    s = run(s, [{ type: 'sort', key: 'c' }]);
    expect(currentView(s)).toMatchObject({ sort: 'count', reverse: true, selected: 7 });
    s = run(s, [{ type: 'sort', key: 'n' }]);
    expect(currentView(s)).toMatchObject({ sort: 'name', reverse: false });
    // Keys of another screen's columns do nothing here.
    expect(run(s, [{ type: 'sort', key: 'z' }])).toBe(s);
    // The Comparison tab has its own columns, and its own sort.
    s = run(s, [{ type: 'tab', to: 'comparison' }, { type: 'sort', key: 'w' }]);
    expect(currentView(s)).toMatchObject({ sort: 'new', screen: { kind: 'comparison' } });
    expect(s.stacks.summary[0]).toMatchObject({ sort: 'name' });
  });

  it('tabs switch by name, number, next and previous, each keeping its own drill-down', () => {
    let s = run(start, [{ type: 'open' }, { type: 'tab', to: 'next' }]);
    expect(s.tab).toBe('comparison');
    s = run(s, [{ type: 'tab', to: 2 }]);
    expect(s.tab).toBe('leaks');
    s = run(s, [{ type: 'tab', to: 'next' }]);
    expect(s.tab).toBe('summary');
    expect(currentView(s).screen.kind).toBe('instances');
    s = run(s, [{ type: 'tab', to: 'previous' }]);
    expect(s.tab).toBe('leaks');
    // A tab that has no data (one snapshot: no Comparison) cannot be chosen.
    const one = initialState(['summary']);
    expect(run(one, [{ type: 'tab', to: 1 }, { type: 'tab', to: 'comparison' }, { type: 'tab', to: 'next' }])).toBe(one);
  });

  it('/ filters as you type (the selected row kept while it matches); Backspace erases; Enter keeps it; Esc clears it', () => {
    let s = run(start, [{ type: 'move', by: 30 }, { type: 'filter-start' }, { type: 'filter-type', text: 'se' }]);
    expect(s.editingFilter).toBe(true);
    // 80 rows match "se" here: r30 is still one of them.
    expect(currentView(s)).toMatchObject({ filter: 'se', selected: 30 });
    s = run(s, [{ type: 'filter-type', text: 'ssion!!' }]);
    // 10 rows match: r30 is gone, the first is selected.
    expect(currentView(s)).toMatchObject({ filter: 'session!!', selected: 0 });
    s = run(s, [{ type: 'filter-cancel' }, { type: 'filter-start' }, { type: 'filter-type', text: 'se' }]);
    s = run(s, [{ type: 'filter-type', text: 's' }, { type: 'filter-erase' }, { type: 'filter-done' }]);
    expect(s.editingFilter).toBe(false);
    expect(currentView(s).filter).toBe('se');
    // Typing when not editing does nothing.
    expect(run(s, [{ type: 'filter-type', text: 'x' }])).toBe(s);
    s = run(s, [{ type: 'filter-start' }, { type: 'filter-cancel' }]);
    expect(currentView(s)).toMatchObject({ filter: '' });
    expect(s.editingFilter).toBe(false);
    // A kept filter: Esc at the tab's table clears it.
    s = run(s, [{ type: 'filter-start' }, { type: 'filter-type', text: 'x' }, { type: 'filter-done' }, { type: 'back' }]);
    expect(currentView(s)).toMatchObject({ filter: '' });
    // Instance lists and details are not filtered by class name.
    const instances = run(start, [{ type: 'open' }]);
    expect(run(instances, [{ type: 'filter-start' }]).editingFilter).toBe(false);
  });

  it('→ opens a retainer’s own retainers, ← closes it (and what was open under it) or goes up to its parent', () => {
    const lines: Record<number, LineInfo> = { 5: { expandKey: 'r/0', expanded: false }, 6: { expandKey: 'r/0/2', expanded: false, parent: 5 } };
    let s = run(start, [{ type: 'open' }, { type: 'open' }], context({ lines }));
    s = run(s, [{ type: 'move', by: 5 }, { type: 'expand' }], context({ lines }));
    expect(currentView(s).expanded).toEqual(['r/0']);
    s = run(s, [{ type: 'move', by: 1 }, { type: 'expand' }], context({ lines }));
    expect(currentView(s).expanded).toEqual(['r/0', 'r/0/2']);
    // Now line 6 is open: ← closes it. Pressed again: up to its parent.
    const open = { ...lines, 6: { expandKey: 'r/0/2', expanded: true, parent: 5 } };
    s = run(s, [{ type: 'collapse' }], context({ lines: open }));
    expect(currentView(s).expanded).toEqual(['r/0']);
    s = run(s, [{ type: 'collapse' }], context({ lines }));
    expect(currentView(s).selected).toBe(5);
    // Closing the parent closes everything under it.
    const both = { 5: { expandKey: 'r/0', expanded: true } };
    const nested = { ...s, stacks: { ...s.stacks, summary: [...s.stacks.summary.slice(0, -1), { ...currentView(s), expanded: ['r/0', 'r/0/2', 'r/1'] }] } };
    expect(currentView(run(nested, [{ type: 'collapse' }], context({ lines: both }))).expanded).toEqual(['r/1']);
  });

  it('new data (a live snapshot) adds tabs and sends every tab back to its own table, keeping sort, filter and the selected row', () => {
    let s = run(initialState(['summary']), [{ type: 'sort', key: 'n' }, { type: 'move', by: 50 }, { type: 'open' }]);
    s = run(s, [{ type: 'data', tabs: ['summary', 'comparison'], reset: ['summary', 'comparison', 'leaks'], selected: { summary: 'r12' } }], context({ rows: 20 }));
    expect(s.tabs).toEqual(['summary', 'comparison']);
    expect(s.stacks.summary).toHaveLength(1);
    expect(currentView(s)).toMatchObject({ sort: 'name', selected: 12, screen: { kind: 'classes' } });
    // A row the new snapshot does not have: the first.
    s = run(s, [{ type: 'data', tabs: ['summary', 'comparison'], reset: ['summary'], selected: { summary: 'r50' } }], context({ rows: 20 }));
    expect(currentView(s)).toMatchObject({ selected: 0 });
  });

  it('a smaller terminal keeps the selection on screen', () => {
    const s = run(start, [{ type: 'move', by: 9 }]);
    expect(currentView(s)).toMatchObject({ selected: 9, scroll: 0 });
    expect(currentView(run(s, [{ type: 'resize' }], context({ pageSize: 4 })))).toMatchObject({ selected: 9, scroll: 6 });
  });

  it('help and quit', () => {
    const s = run(start, [{ type: 'help' }]);
    expect(s.help).toBe(true);
    expect(run(s, [{ type: 'help' }]).help).toBe(false);
    expect(run(start, [{ type: 'quit' }]).quit).toBe(true);
  });
});

describe('the keys', () => {
  it('map to actions; while the filter is typed, letters (q, s, digits) are text', () => {
    expect(keyAction('', { downArrow: true }, start)).toEqual({ type: 'move', by: 1 });
    expect(keyAction('j', {}, start)).toEqual({ type: 'move', by: 1 });
    expect(keyAction('G', {}, start)).toEqual({ type: 'end' });
    expect(keyAction('', { pageDown: true }, start)).toEqual({ type: 'page', by: 1 });
    expect(keyAction('', { return: true }, start)).toEqual({ type: 'open' });
    expect(keyAction('', { escape: true }, start)).toEqual({ type: 'back' });
    expect(keyAction('', { delete: true }, start)).toEqual({ type: 'back' });
    expect(keyAction('', { tab: true, shift: true }, start)).toEqual({ type: 'tab', to: 'previous' });
    expect(keyAction('3', {}, start)).toEqual({ type: 'tab', to: 2 });
    expect(keyAction('r', {}, start)).toEqual({ type: 'sort', key: 'r' });
    expect(keyAction('w', {}, start)).toBeUndefined();
    expect(keyAction('s', {}, start)).toEqual({ type: 'snapshot' });
    expect(keyAction('q', {}, start)).toEqual({ type: 'quit' });
    expect(keyAction('c', { ctrl: true }, start)).toEqual({ type: 'quit' });
    const editing = { ...start, editingFilter: true };
    expect(keyAction('q', {}, editing)).toEqual({ type: 'filter-type', text: 'q' });
    expect(keyAction('s', {}, editing)).toEqual({ type: 'filter-type', text: 's' });
    expect(keyAction('2', {}, editing)).toEqual({ type: 'filter-type', text: '2' });
    expect(keyAction('', { backspace: true }, editing)).toEqual({ type: 'filter-erase' });
    expect(keyAction('', { return: true }, editing)).toEqual({ type: 'filter-done' });
    expect(keyAction('', { escape: true }, editing)).toEqual({ type: 'filter-cancel' });
    expect(keyAction('c', { ctrl: true }, editing)).toEqual({ type: 'quit' });
    // Any key closes the help; q still quits.
    const help = { ...start, help: true };
    expect(keyAction('x', {}, help)).toEqual({ type: 'help' });
    expect(keyAction('q', {}, help)).toEqual({ type: 'quit' });
  });
});
