import type { UiAction } from './reducer.js';
import { currentView, SORT_KEYS, type UiState } from './ui-state.js';

/** The keys Ink reports (the fields of its `Key` this UI reads). */
export interface KeyPress {
  readonly upArrow?: boolean;
  readonly downArrow?: boolean;
  readonly leftArrow?: boolean;
  readonly rightArrow?: boolean;
  readonly pageUp?: boolean;
  readonly pageDown?: boolean;
  readonly home?: boolean;
  readonly end?: boolean;
  readonly return?: boolean;
  readonly escape?: boolean;
  readonly backspace?: boolean;
  readonly delete?: boolean;
  readonly tab?: boolean;
  readonly shift?: boolean;
  readonly ctrl?: boolean;
  readonly meta?: boolean;
}

/** A key's meaning here: a state change, a snapshot (live mode), or nothing. */
export type KeyMeaning = UiAction | { readonly type: 'snapshot' } | { readonly type: 'suspend' } | undefined;

/**
 * What a key does in the current state. While the filter is being typed, printable keys go
 * into it; Enter keeps it, Esc clears it. Otherwise: arrows, j/k, PgUp/PgDn, Home/End (g/G)
 * move; Enter opens; Esc/Backspace go back; → / ← open and close retainers; Tab / 1–3 switch
 * tabs; a column's key sorts (again: reverse); `/` filters; `?` help; `q` or Ctrl-C quit;
 * `s` takes a snapshot (live mode).
 */
export function keyAction(input: string, key: KeyPress, state: UiState): KeyMeaning {
  if (key.ctrl && input === 'c') return { type: 'quit' };
  if (key.ctrl && input === 'z') return { type: 'suspend' };
  if (state.editingFilter) {
    if (key.return) return { type: 'filter-done' };
    if (key.escape) return { type: 'filter-cancel' };
    if (key.backspace || key.delete) return { type: 'filter-erase' };
    if (key.upArrow) return { type: 'move', by: -1 };
    if (key.downArrow) return { type: 'move', by: 1 };
    if (key.ctrl || key.meta || key.tab) return undefined;
    const text = [...input].filter((c) => c >= ' ' && c !== '\x7f').join('');
    return text ? { type: 'filter-type', text } : undefined;
  }
  if (state.help) {
    // Any key closes the help (q still quits).
    return input === 'q' ? { type: 'quit' } : { type: 'help' };
  }
  if (key.upArrow) return { type: 'move', by: -1 };
  if (key.downArrow) return { type: 'move', by: 1 };
  if (key.pageUp) return { type: 'page', by: -1 };
  if (key.pageDown) return { type: 'page', by: 1 };
  if (key.home) return { type: 'home' };
  if (key.end) return { type: 'end' };
  if (key.return) return { type: 'open' };
  if (key.escape || key.backspace || key.delete) return { type: 'back' };
  if (key.rightArrow) return { type: 'expand' };
  if (key.leftArrow) return { type: 'collapse' };
  if (key.tab) return { type: 'tab', to: key.shift ? 'previous' : 'next' };
  if (key.ctrl || key.meta) return undefined;
  switch (input) {
    case 'j':
      return { type: 'move', by: 1 };
    case 'k':
      return { type: 'move', by: -1 };
    case 'g':
      return { type: 'home' };
    case 'G':
      return { type: 'end' };
    case '1':
    case '2':
    case '3':
      return { type: 'tab', to: Number(input) - 1 };
    case '/':
      return { type: 'filter-start' };
    case '?':
      return { type: 'help' };
    case 'q':
      return { type: 'quit' };
    case 's':
      return { type: 'snapshot' };
  }
  if (SORT_KEYS[currentView(state).screen.kind][input]) return { type: 'sort', key: input };
  return undefined;
}
