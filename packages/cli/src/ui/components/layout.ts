import type { ScreenKind } from '../state/ui-state.js';

/** Lines around a table: tab bar, title, header, status line, and one spare so the terminal never scrolls. */
const CHROME = 5;

/** How many lines the Leaks tab's pane (the selected group's path, what it retains) takes. */
export function leakPaneHeight(height: number): number {
  return Math.max(0, Math.min(12, Math.floor((height - CHROME) / 2)));
}

/** Rows a screen's table shows in a terminal `height` lines high (the reducer's page size). */
export function pageSize(kind: ScreenKind, height: number): number {
  const rows = height - CHROME + (kind === 'node' ? 1 : 0) - (kind === 'leaks' ? leakPaneHeight(height) : 0);
  return Math.max(1, rows);
}
