import { currentView, newView, SORT_KEYS, type Screen, type TabName, type UiState, type View } from './ui-state.js';

/** What a key asks for (see `keyAction`). */
export type UiAction =
  | { readonly type: 'move'; readonly by: number }
  | { readonly type: 'page'; readonly by: 1 | -1 }
  | { readonly type: 'home' }
  | { readonly type: 'end' }
  | { readonly type: 'open' }
  | { readonly type: 'back' }
  | { readonly type: 'expand' }
  | { readonly type: 'collapse' }
  | { readonly type: 'sort'; readonly key: string }
  | { readonly type: 'tab'; readonly to: TabName | 'next' | 'previous' | number }
  | { readonly type: 'filter-start' }
  | { readonly type: 'filter-type'; readonly text: string }
  | { readonly type: 'filter-erase' }
  | { readonly type: 'filter-done' }
  | { readonly type: 'filter-cancel' }
  | { readonly type: 'help' }
  | { readonly type: 'quit' }
  /**
   * New data (live mode): these tabs now exist; the tabs in `reset` go back to their own table
   * (their drill-downs named objects of the old snapshot), keeping its sort and filter and, where
   * it is still there, the row that was selected (`selected`: its key per tab).
   */
  | { readonly type: 'data'; readonly tabs: readonly TabName[]; readonly reset: readonly TabName[]; readonly selected?: Partial<Record<TabName, string>> }
  /** The terminal changed size: keep the selection on screen. */
  | { readonly type: 'resize' };

/** What a line of a node screen offers. */
export interface LineInfo {
  readonly expandKey?: string;
  readonly expanded?: boolean;
  /** The line of its parent in the retainers tree. */
  readonly parent?: number;
}

/** What the reducer needs to know of the data: list lengths, what Enter opens, the page size. */
export interface UiContext {
  /** Rows a table shows on screen. */
  readonly pageSize: number;
  /** Rows of a view (after its filter). */
  length(view: View): number;
  /** The screen Enter opens from row `index` of a view, or undefined when the row opens nothing. */
  open(view: View, index: number): Screen | undefined;
  /** Node screens: what line `index` offers (→ / ←). */
  line(view: View, index: number): LineInfo | undefined;
  /** What row `index` is, whatever the order (a class, a leak group, an object): kept across sorts and filters. */
  keyAt(view: View, index: number): string | undefined;
  /** Where the row `key` is now, or -1. */
  indexOfKey(view: View, key: string): number;
}

/**
 * The UI's state machine: pure, so every key's effect is tested without rendering. Each tab
 * keeps its own drill-down stack; going back restores the previous level's selection.
 */
export function reduce(state: UiState, action: UiAction, context: UiContext): UiState {
  const view = currentView(state);
  switch (action.type) {
    case 'move':
      return withView(state, select(view, view.selected + action.by, context));
    case 'page':
      return withView(state, select(view, view.selected + action.by * Math.max(1, context.pageSize), context));
    case 'home':
      return withView(state, select(view, 0, context));
    case 'end':
      return withView(state, select(view, context.length(view) - 1, context));
    case 'open': {
      if (context.length(view) === 0) return state;
      const screen = context.open(view, view.selected);
      if (!screen) return state;
      const stack = state.stacks[state.tab];
      return { ...state, stacks: { ...state.stacks, [state.tab]: [...stack, newView(screen)] } };
    }
    case 'back': {
      const stack = state.stacks[state.tab];
      // At a tab's own table, Esc clears a filter that was kept.
      if (stack.length <= 1) return view.filter ? withView(state, keepRow(view, { ...view, filter: '' }, context)) : state;
      return { ...state, stacks: { ...state.stacks, [state.tab]: stack.slice(0, -1) } };
    }
    case 'expand': {
      const line = context.line(view, view.selected);
      if (!line?.expandKey || line.expanded) return state;
      return withView(state, { ...view, expanded: [...view.expanded, line.expandKey] });
    }
    case 'collapse': {
      const line = context.line(view, view.selected);
      if (line?.expandKey && line.expanded) {
        const closed = line.expandKey;
        // Closing a line closes what was open under it too.
        return withView(state, { ...view, expanded: view.expanded.filter((key) => key !== closed && !key.startsWith(`${closed}/`)) });
      }
      if (line?.parent !== undefined) return withView(state, select(view, line.parent, context));
      return state;
    }
    case 'sort': {
      const column = SORT_KEYS[view.screen.kind][action.key];
      if (!column) return state;
      const reverse = view.sort === column ? !view.reverse : false;
      return withView(state, keepRow(view, { ...view, sort: column, reverse }, context));
    }
    case 'tab': {
      const { tabs } = state;
      const at = tabs.indexOf(state.tab);
      let to: TabName | undefined;
      if (action.to === 'next') to = tabs[(at + 1) % tabs.length];
      else if (action.to === 'previous') to = tabs[(at - 1 + tabs.length) % tabs.length];
      else if (typeof action.to === 'number') to = tabs[action.to];
      else to = tabs.includes(action.to) ? action.to : undefined;
      if (!to || to === state.tab) return state;
      return { ...state, tab: to, editingFilter: false };
    }
    case 'filter-start':
      if (!filters(view)) return state;
      return { ...state, editingFilter: true };
    case 'filter-type':
      if (!state.editingFilter) return state;
      return withView(state, keepRow(view, { ...view, filter: view.filter + action.text }, context));
    case 'filter-erase':
      if (!state.editingFilter) return state;
      return withView(state, keepRow(view, { ...view, filter: view.filter.slice(0, -1) }, context));
    case 'filter-done':
      return { ...state, editingFilter: false };
    case 'filter-cancel':
      return withView({ ...state, editingFilter: false }, keepRow(view, { ...view, filter: '' }, context));
    case 'help':
      return { ...state, help: !state.help };
    case 'quit':
      return { ...state, quit: true };
    case 'data': {
      const stacks = { ...state.stacks };
      for (const tab of action.reset) {
        const root = { ...stacks[tab][0]!, selected: 0, scroll: 0 };
        const key = action.selected?.[tab];
        const at = key === undefined || !action.tabs.includes(tab) ? -1 : context.indexOfKey(root, key);
        stacks[tab] = [at > 0 ? select(root, at, context) : root];
      }
      const next = { ...state, tabs: action.tabs, stacks, tab: action.tabs.includes(state.tab) ? state.tab : (action.tabs[0] ?? state.tab) };
      return withView(next, select(currentView(next), currentView(next).selected, context));
    }
    case 'resize':
      return withView(state, select(view, view.selected, context));
  }
}

/** Whether a view's rows can be filtered by class name. */
export function filters(view: View): boolean {
  return view.screen.kind === 'classes' || view.screen.kind === 'comparison' || view.screen.kind === 'leaks';
}

/** `next` (a new sort or filter of `view`) with the row selected in `view` still selected, or the first. */
function keepRow(view: View, next: View, context: UiContext): View {
  const key = context.length(view) > 0 ? context.keyAt(view, view.selected) : undefined;
  const at = key === undefined ? -1 : context.indexOfKey(next, key);
  return select({ ...next, selected: 0, scroll: 0 }, Math.max(0, at), context);
}

/** Moves the selection to `index` (clamped) and scrolls just enough to keep it on screen. */
function select(view: View, index: number, context: UiContext): View {
  const length = context.length(view);
  const page = Math.max(1, context.pageSize);
  const selected = length === 0 ? 0 : Math.min(Math.max(0, index), length - 1);
  let scroll = Math.min(view.scroll, Math.max(0, length - page));
  if (selected < scroll) scroll = selected;
  if (selected >= scroll + page) scroll = selected - page + 1;
  if (selected === view.selected && scroll === view.scroll) return view;
  return { ...view, selected, scroll };
}

function withView(state: UiState, view: View): UiState {
  const stack = state.stacks[state.tab];
  if (stack[stack.length - 1] === view) return state;
  return { ...state, stacks: { ...state.stacks, [state.tab]: [...stack.slice(0, -1), view] } };
}
