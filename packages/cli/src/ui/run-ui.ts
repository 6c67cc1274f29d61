import { printable } from '@heapdiff/reporter';
import type { LiveOptions, LiveSession } from './live-session.js';
import type { UiData } from './model/view-rows.js';
import { shellQuoted } from '../shell-quote.js';

const ENTER_ALTERNATE_SCREEN = '\x1b[?1049h';
const LEAVE_ALTERNATE_SCREEN = '\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';
const CLEAR_LINE = '\r\x1b[2K';
const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/**
 * Runs the UI on this terminal until the user quits: over snapshot files (loaded first, with a
 * progress line), or live over a process. The UI draws on the terminal's alternate screen, so
 * the shell's screen comes back as it was; Ctrl-Z suspends it as a shell expects. A program
 * heapdiff started is stopped at the end, however the UI ends (quit, SIGINT, SIGTERM, SIGHUP),
 * and the directory of the snapshots is named.
 */
export async function runUi(what: { readonly files: readonly string[] } | { readonly live: LiveOptions }): Promise<void> {
  let data: UiData | undefined;
  let live: LiveSession | undefined;
  let onScreen = false;
  let progressShown = false;
  const progress = (text: string): void => {
    progressShown = true;
    process.stderr.write(`${CLEAR_LINE}${printable(text).slice(0, (process.stderr.columns || 80) - 1)}`);
  };
  const clearProgress = (): void => {
    if (progressShown) process.stderr.write(CLEAR_LINE);
    progressShown = false;
  };
  const leaveScreen = (): void => {
    if (!onScreen) return;
    onScreen = false;
    process.stdout.write(`${LEAVE_ALTERNATE_SCREEN}${SHOW_CURSOR}`);
  };
  // From the start: a signal while loading or connecting also cleans up (the progress line, a
  // program being started), and one while the UI is up gives the terminal back first.
  let ending = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (ending) return;
    ending = true;
    leaveScreen();
    clearProgress();
    void (async () => {
      // A program being started is stopped before it could be joined.
      abort.abort();
      await pendingLive?.catch(() => {});
      if (live) {
        if (live.files.length > 0) process.stderr.write(`${keptLine(live)}\n`);
        await live.close();
      }
      process.exit(128 + SIGNAL_NUMBERS[signal]!);
    })();
  };
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];
  for (const signal of signals) process.on(signal, onSignal);
  // The terminal went away (a closed window, a killed multiplexer): nothing can be drawn any more.
  const onGone = (): void => {
    onScreen = false;
    onSignal('SIGHUP');
  };
  process.stdout.on('error', onGone);
  let pendingLive: Promise<LiveSession> | undefined;
  const abort = new AbortController();
  try {
    if ('files' in what) {
      const { loadUiData } = await import('./model/load-ui-data.js');
      try {
        data = await loadUiData(what.files, progress);
      } finally {
        clearProgress();
      }
    } else {
      const { LiveSession } = await import('./live-session.js');
      progress(`heapdiff: connecting to ${printable(describeTarget(what.live))}…`);
      try {
        pendingLive = LiveSession.start(what.live, abort.signal);
        live = await pendingLive;
      } finally {
        clearProgress();
      }
    }
    // Ink, React and the app after the snapshots: loading them meanwhile (Yoga's WebAssembly
    // compiles) takes the CPU the parse workers need, and costs more than it saves (pnpm bench ui).
    const { render, createElement, App } = await loadUiModules();
    const colour = !('NO_COLOR' in process.env && process.env['NO_COLOR'] !== '') && process.stdout.hasColors?.() !== false;
    process.stdout.write(ENTER_ALTERNATE_SCREEN);
    onScreen = true;
    const stdout = withoutScrollbackErase(process.stdout);
    const element = createElement(App, { data, ...(live ? { live } : {}), colour });
    const instance = render(element, { stdout, exitOnCtrlC: true, patchConsole: true });
    // Ctrl-Z (or SIGTSTP from outside): give the terminal back, stop; on SIGCONT take it again and redraw.
    // The whole process group stops, as a terminal's Ctrl-Z stops it: the shell waits for the job's
    // first process, which may be heapdiff's relaunching parent (huge-pages.ts) or `npm run`.
    const suspend = (): void => {
      leaveScreen();
      if (process.stdin.isTTY) process.stdin.setRawMode(false);
      process.kill(0, 'SIGSTOP');
    };
    const resume = (): void => {
      if (process.stdin.isTTY) process.stdin.setRawMode(true);
      process.stdout.write(`${ENTER_ALTERNATE_SCREEN}\x1b[?25l`);
      onScreen = true;
      // Ink writes a frame only when it differs from the last: a blank one first, then the screen.
      instance.rerender(createElement(App, { data, ...(live ? { live } : {}), colour, blank: true }));
      setTimeout(() => instance.rerender(createElement(App, { data, ...(live ? { live } : {}), colour })), 50);
    };
    process.on('SIGTSTP', suspend);
    process.on('SIGCONT', resume);
    try {
      await instance.waitUntilExit();
    } finally {
      process.off('SIGTSTP', suspend);
      process.off('SIGCONT', resume);
      leaveScreen();
    }
  } finally {
    if (!ending) {
      leaveScreen();
      process.stdout.off('error', onGone);
      for (const signal of signals) process.off(signal, onSignal);
    }
  }
  if (live && !ending) {
    if (live.stopsProgram) process.stderr.write(`heapdiff: stopping ${printable(live.description)}…`);
    await live.close();
    if (live.stopsProgram) process.stderr.write(CLEAR_LINE);
    process.stderr.write(`${keptLine(live)}\n`);
  }
}

/** What a live session is watching, for the line shown while connecting. */
function describeTarget(options: LiveOptions): string {
  if (options.command.length > 0) return options.command.join(' ');
  if (options.inspect !== undefined) return `the inspector at ${options.inspect}`;
  return `process ${options.pid}`;
}

/** Where a live session's snapshots are, and how to look at them again. */
function keptLine(live: LiveSession): string {
  const files = live.files;
  if (files.length === 0) return `heapdiff: no snapshot taken${live.stopsProgram ? `; the program's output is in ${printable(live.dir)}/app.log` : ''}`;
  return `heapdiff: ${files.length} snapshot${files.length === 1 ? '' : 's'} in ${printable(live.dir)}; to look again: heapdiff ui ${files.map(shellQuoted).join(' ')}`;
}

/**
 * The terminal stream, minus "erase saved lines" (ED3): Ink clears the whole terminal, scrollback
 * included, when a frame is as tall as the screen (for one frame after the terminal shrinks).
 */
function withoutScrollbackErase(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  return new Proxy(stream, {
    get(target, property) {
      if (property === 'write') {
        return (chunk: unknown, ...rest: unknown[]) =>
          (target.write as (...args: unknown[]) => boolean)(typeof chunk === 'string' ? chunk.replaceAll('\x1b[3J', '') : chunk, ...rest);
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Ink, React and the app, loaded as a terminal UI needs them. Ink draws on this terminal even
 * when the environment says CI (it would render only its last frame: is-in-ci, read once when
 * Ink loads; chalk would turn colours off): those variables are taken away meanwhile. React is
 * its production build unless NODE_ENV says otherwise (the development build makes every
 * keystroke several times slower). The environment is restored after: a program started live
 * gets the user's.
 */
async function loadUiModules() {
  const saved = { CI: process.env['CI'], CONTINUOUS_INTEGRATION: process.env['CONTINUOUS_INTEGRATION'], NODE_ENV: process.env['NODE_ENV'] };
  delete process.env['CI'];
  delete process.env['CONTINUOUS_INTEGRATION'];
  process.env['NODE_ENV'] ??= 'production';
  try {
    const [{ render }, { createElement }, { App }] = await Promise.all([import('ink'), import('react'), import('./app.js')]);
    return { render, createElement, App };
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
