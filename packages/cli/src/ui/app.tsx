/** @jsxRuntime automatic @jsxImportSource react */
import { basename, relative } from 'node:path';
import { counted, formatBytes, formatCount } from '@heapdiff/core';
import { printable } from '@heapdiff/reporter';
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { fit } from './components/cells.js';
import { DetailView } from './components/detail-view.js';
import { HelpScreen } from './components/help-screen.js';
import { leakPaneHeight, pageSize } from './components/layout.js';
import { LeakPane } from './components/leak-pane.js';
import { screenTable } from './components/screen-tables.js';
import { TabBar } from './components/tab-bar.js';
import { sortArrow, Table } from './components/table.js';
import { tabsOf, ViewRows, type UiData } from './model/view-rows.js';
import { keyAction, type KeyPress } from './state/keymap.js';
import { reduce, type UiAction } from './state/reducer.js';
import { currentView, initialState, type TabName, type UiState } from './state/ui-state.js';

/** A running process the UI takes snapshots of (live mode). */
export interface LiveSource {
  /** What is being watched, for the status line: `pid 4242`, `node server.js`. */
  readonly description: string;
  /** Where the snapshots are kept. */
  readonly dir: string;
  /** Takes a snapshot and loads the series so far; `progress` gets short status texts meanwhile. */
  snapshot(progress: (text: string) => void): Promise<UiData>;
  /** Calls `listener` when the process can take no more snapshots (it exited, the connection broke), saying why. */
  onEnd?(listener: (why: string) => void): void;
}

export interface AppProps {
  /** The snapshots to browse; undefined in live mode before the first snapshot. */
  readonly data: UiData | undefined;
  readonly live?: LiveSource;
  /** Colours (off with NO_COLOR); selection and headings show either way. */
  readonly colour: boolean;
  /** Draw nothing for now (the whole screen is drawn again after: the terminal was lent to the shell). */
  readonly blank?: boolean;
}

const ALL_TABS: readonly TabName[] = ['summary', 'comparison', 'leaks'];

/**
 * `heapdiff ui`: tabs of tables over the snapshots (Summary, Comparison, Leaks), each with a
 * drill-down to a class's objects and to one object's detail. State lives in `reduce`; this
 * renders the rows on screen and turns keys into actions.
 */
export function App({ data: initialData, live, colour, blank }: AppProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => terminalSize(stdout));
  const [rows, setRows] = useState(() => (initialData ? new ViewRows(initialData) : undefined));
  // Two snapshots open on the Comparison, three or more on the Leaks: what they were given for.
  const [state, setState] = useState<UiState>(() => {
    const tabs = initialData ? tabsOf(initialData) : [];
    return { ...initialState(tabs), tab: tabs[tabs.length - 1] ?? 'summary' };
  });
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  // Keys can come faster than renders (a paste, a terminal multiplexer): each one reads the
  // state the previous one left, not the last rendered one.
  const latest = useRef({ state, rows, size });
  latest.current.rows = rows;
  latest.current.size = size;
  const taking = useRef(false);

  const apply = (action: UiAction, withRows = latest.current.rows): void => {
    const now = latest.current;
    let next: UiState;
    if (!withRows) {
      if (action.type === 'quit') next = { ...now.state, quit: true };
      else if (action.type === 'help') next = { ...now.state, help: !now.state.help };
      else return;
    } else next = reduce(now.state, action, withRows.context(pageSize(currentView(now.state).screen.kind, now.size.rows)));
    if (next === now.state) return;
    now.state = next;
    setState(next);
  };

  useEffect(() => {
    const onResize = (): void => setSize(terminalSize(stdout));
    stdout.on('resize', onResize);
    // A resize between the first render and this subscription would be missed otherwise.
    onResize();
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  useEffect(() => apply({ type: 'resize' }), [size.rows, size.columns]);
  useEffect(() => {
    if (state.quit) exit();
  }, [state.quit]);
  const [ended, setEnded] = useState<string | undefined>(undefined);
  useEffect(() => {
    live?.onEnd?.((why) => {
      setEnded(why);
      setNotice(why);
    });
  }, [live]);

  const takeSnapshot = (): void => {
    if (!live || taking.current) return;
    if (ended) {
      setNotice(`nothing to snapshot: ${ended}`);
      return;
    }
    taking.current = true;
    setNotice(undefined);
    setBusy('taking a snapshot…');
    live
      .snapshot((text) => setBusy(text))
      .then((next) => {
        const before = latest.current;
        // Where each tab was: its table's selected row, found again in the new snapshot.
        const selected: Partial<Record<TabName, string>> = {};
        const deeper: string[] = [];
        for (const tab of before.state.tabs) {
          const root = before.state.stacks[tab][0]!;
          const key = before.rows && before.rows.length(root) > 0 ? before.rows.keyAt(root, root.selected) : undefined;
          if (key !== undefined) selected[tab] = key;
          if (before.state.stacks[tab].length > 1) deeper.push(tab);
        }
        const nextRows = new ViewRows(next);
        latest.current.rows = nextRows;
        setRows(nextRows);
        apply({ type: 'data', tabs: tabsOf(next), reset: ALL_TABS, selected }, nextRows);
        setNotice(`snapshot ${next.files.length} loaded${deeper.length > 0 ? ': back to the tables (the objects you had open are of the last snapshot)' : ''}`);
      })
      .catch((error: unknown) => setNotice(`snapshot failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        taking.current = false;
        setBusy(undefined);
      });
  };

  const onKey = (input: string, key: KeyPress): void => {
    const meaning = keyAction(input, key, latest.current.state);
    if (!meaning) return;
    if (meaning.type === 'snapshot') takeSnapshot();
    // Ctrl-Z: as a shell expects (run-ui.ts gives the terminal back, and takes it again on fg).
    else if (meaning.type === 'suspend') process.kill(process.pid, 'SIGTSTP');
    else apply(meaning);
  };
  useInput((input, key) => {
    // Keys that arrive together (typed fast, pasted, sent by a multiplexer) come as one input.
    if (input.length > 1 && !key.ctrl && !key.meta && !key.escape) for (const char of input) onKey(char, keyOfChar(char));
    else onKey(input, key);
  });

  if (blank) return <Text> </Text>;
  const view = currentView(state);
  const width = Math.max(20, size.columns);
  const stack = state.stacks[state.tab];
  // The drill-down, each level cut short; when it is still too long, the deepest levels win.
  const levels = stack.slice(1).map((v) => fit('title' in v.screen ? v.screen.title : '', 28).trimEnd());
  const room = width - 40;
  while (levels.length > 1 && levels.join(' › ').length > room) levels.splice(0, levels[0] === '…' ? 2 : 1, '…');
  const crumbs = levels.join(' › ');
  let body;
  if (state.help) body = <HelpScreen live={live !== undefined} width={width} />;
  else if (!rows) {
    body = <Text>{fit(live ? `No snapshot yet: press s to take one of ${printable(live.description)} (snapshots go to ${printable(live.dir)}).` : 'No snapshot.', width)}</Text>;
  }
  else if (view.screen.kind === 'node') {
    body = <DetailView lines={rows.detail(view)} first={view.scroll} size={pageSize('node', size.rows)} selected={view.selected} width={width} colour={colour} />;
  } else {
    const visible = pageSize(view.screen.kind, size.rows);
    const table = screenTable(view, rows, view.scroll, visible);
    const leakRow = view.screen.kind === 'leaks' ? rows.leaks(view)[view.selected] : undefined;
    body = (
      <>
        <Table
          columns={table.columns}
          rows={table.rows}
          selected={view.selected - view.scroll}
          width={width}
          sort={view.sort}
          reverse={view.reverse}
          colour={colour}
          {...(table.dim ? { dim: table.dim } : {})}
          empty={table.empty}
        />
        {view.screen.kind === 'leaks' ? (
          <Box marginTop={Math.max(0, visible - table.rows.length)}>
            <LeakPane row={leakRow} height={leakPaneHeight(size.rows)} width={width} colour={colour} />
          </Box>
        ) : null}
      </>
    );
  }
  return (
    <Box flexDirection="column" width={width}>
      <TabBar tabs={state.tabs.length > 0 ? state.tabs : ['summary']} tab={state.tab} crumbs={crumbs} width={width} colour={colour} />
      <Box flexDirection="column" height={Math.max(1, size.rows - 3)}>
        {body}
      </Box>
      <Text inverse={!colour} {...(colour ? { backgroundColor: 'blue', color: 'white' } : {})}>
        {statusLine(state, rows, live && !ended ? live : undefined, busy, notice, width)}
      </Text>
    </Box>
  );
}

/** A character that came in a run of several, as the key Ink would have reported alone. */
function keyOfChar(char: string): KeyPress {
  if (char === '\r' || char === '\n') return { return: true };
  if (char === '\t') return { tab: true };
  if (char === '\x7f' || char === '\b') return { backspace: true };
  return {};
}

/** A directory as the status line shows it: relative to the working directory when that is shorter. */
function displayPath(dir: string): string {
  const near = relative(process.cwd(), dir);
  return near && near.length < dir.length ? near : dir;
}

function terminalSize(stdout: NodeJS.WriteStream): { columns: number; rows: number } {
  return { columns: stdout.columns || 80, rows: stdout.rows || 24 };
}

/** Files, totals, sort and filter; in live mode what is watched and where the snapshots go. */
function statusLine(state: UiState, rows: ViewRows | undefined, live: LiveSource | undefined, busy: string | undefined, notice: string | undefined, width: number): string {
  const view = currentView(state);
  const parts: string[] = [];
  if (state.editingFilter) parts.push(`filter: ${printable(view.filter)}█  (Enter keeps, Esc clears)`);
  if (busy) parts.push(printable(busy));
  if (notice) parts.push(printable(notice));
  if (rows && !state.help && view.screen.kind !== 'node') {
    const length = rows.length(view);
    parts.push(length === 0 ? 'no rows' : `row ${formatCount(view.selected + 1)} of ${formatCount(length)}`);
  }
  if (view.sort && !state.help) parts.push(`sort: ${view.sort} ${sortArrow(view.sort, view.reverse)}`);
  if (view.filter && !state.editingFilter) parts.push(`filter: "${printable(view.filter)}"`);
  if (live) parts.push(`live: ${printable(live.description)} → ${printable(displayPath(live.dir))}`);
  if (rows) {
    const { files, summary } = rows.data;
    parts.push(printable(files.length === 1 ? basename(files[0]!) : `${files.length} snapshots, last ${basename(files[files.length - 1]!)}`));
    parts.push(`${counted(summary.totalCount, 'object')}, ${formatBytes(summary.totalSelfSize)}`);
  }
  // The way to the keys stays on screen however narrow: the rest is cut to make room.
  const keys = live ? ' s snapshot  ? keys  q quit ' : ' ? keys  q quit ';
  return fit(` ${parts.join(' · ')}`, Math.max(0, width - keys.length)) + keys;
}
