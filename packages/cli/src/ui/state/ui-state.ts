/** The tabs of the UI: the last snapshot's classes, what changed since the one before, what grows. */
export type TabName = 'summary' | 'comparison' | 'leaks';

/** Which objects an instance list holds. */
export type InstanceSource =
  | { readonly from: 'class'; readonly classKey: number }
  /** The class's objects that the previous snapshot did not have (Comparison). */
  | { readonly from: 'new'; readonly classKey: number }
  /** A leak group's leak roots (its row in the Leaks tab). */
  | { readonly from: 'leak'; readonly row: number };

/** What one level of a tab shows. */
export type Screen =
  | { readonly kind: 'classes' }
  | { readonly kind: 'comparison' }
  | { readonly kind: 'leaks' }
  | { readonly kind: 'instances'; readonly source: InstanceSource; readonly title: string }
  | { readonly kind: 'node'; readonly node: number; readonly title: string };

export type ScreenKind = Screen['kind'];

/** One level of a tab's drill-down: a screen with its own sort, filter, selection and scroll. */
export interface View {
  readonly screen: Screen;
  /** The sort column's name (see `SORT_COLUMNS`); '' for screens that do not sort. */
  readonly sort: string;
  /** Against the column's natural order (names A→Z, sizes biggest first). */
  readonly reverse: boolean;
  /** Class-name filter, case-insensitive (class tables only). */
  readonly filter: string;
  readonly selected: number;
  /** The first row on screen. */
  readonly scroll: number;
  /** Node screens: the retainers-tree lines that are open. */
  readonly expanded: readonly string[];
}

export interface UiState {
  /** The tabs there is data for, in order. */
  readonly tabs: readonly TabName[];
  readonly tab: TabName;
  /** Per tab, its drill-down: the tab's own table first, the screen shown last. */
  readonly stacks: Readonly<Record<TabName, readonly View[]>>;
  /** `/` was pressed: keys type into the filter until Enter or Esc. */
  readonly editingFilter: boolean;
  readonly help: boolean;
  readonly quit: boolean;
}

/**
 * The sort keys of each screen: key → column name. Pressing a column's key sorts by it;
 * pressing it again reverses. (`s` is left free: it takes a snapshot in live mode.)
 */
export const SORT_KEYS: Readonly<Record<ScreenKind, Readonly<Record<string, string>>>> = {
  classes: { n: 'name', c: 'count', h: 'shallow', r: 'retained' },
  comparison: { n: 'name', w: 'new', d: 'deleted', c: 'delta', a: 'alloc', f: 'freed', z: 'size-delta' },
  leaks: { n: 'name', c: 'count', h: 'shallow', r: 'retained' },
  instances: { i: 'id', h: 'shallow', r: 'retained', d: 'distance' },
  node: {},
};

/** Each screen's first sort. */
export const DEFAULT_SORT: Readonly<Record<ScreenKind, string>> = {
  classes: 'retained',
  comparison: 'size-delta',
  leaks: 'retained',
  instances: 'retained',
  node: '',
};

/** Columns whose natural order is ascending (names, ids, distances); the rest are biggest first. */
export const ASCENDING_COLUMNS: ReadonlySet<string> = new Set(['name', 'id', 'distance']);

export function newView(screen: Screen): View {
  return { screen, sort: DEFAULT_SORT[screen.kind], reverse: false, filter: '', selected: 0, scroll: 0, expanded: [] };
}

const TAB_SCREENS: Readonly<Record<TabName, Screen>> = {
  summary: { kind: 'classes' },
  comparison: { kind: 'comparison' },
  leaks: { kind: 'leaks' },
};

/** The state a UI starts in: the first tab's table (no tabs yet: live mode before its first snapshot). */
export function initialState(tabs: readonly TabName[]): UiState {
  return {
    tabs,
    tab: tabs[0] ?? 'summary',
    stacks: {
      summary: [newView(TAB_SCREENS.summary)],
      comparison: [newView(TAB_SCREENS.comparison)],
      leaks: [newView(TAB_SCREENS.leaks)],
    },
    editingFilter: false,
    help: false,
    quit: false,
  };
}

/** The screen the current tab shows. */
export function currentView(state: UiState): View {
  const stack = state.stacks[state.tab];
  return stack[stack.length - 1]!;
}
