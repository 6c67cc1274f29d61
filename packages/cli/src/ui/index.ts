// The terminal UI's parts, for tests and for embedding: the app, its state machine, its data.
// `heapdiff ui` (commands/ui.ts) is how people run it.
export { App, type AppProps, type LiveSource } from './app.js';
export { reduce, filters, type UiAction, type UiContext, type LineInfo } from './state/reducer.js';
export { keyAction, type KeyPress, type KeyMeaning } from './state/keymap.js';
export { initialState, currentView, newView, SORT_KEYS, type UiState, type View, type Screen, type TabName } from './state/ui-state.js';
export { ViewRows, tabsOf, type UiData } from './model/view-rows.js';
export { loadUiData } from './model/load-ui-data.js';
export { SnapshotModel } from './model/snapshot-model.js';
export { ComparisonModel } from './model/comparison-model.js';
export { LeaksModel } from './model/leaks-model.js';
export { nodeDetailLines, type DetailLine } from './model/node-detail.js';
export { pageSize } from './components/layout.js';
export { LiveSession, type LiveOptions } from './live-session.js';
export { fit, sparkline } from './components/cells.js';
