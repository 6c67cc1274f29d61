import { createElement } from 'react';
import type { LiveOptions, LiveSession } from './live-session.js';
import type { UiData } from './model/view-rows.js';

const ENTER_ALTERNATE_SCREEN = '\x1b[?1049h';
const LEAVE_ALTERNATE_SCREEN = '\x1b[?1049l';

/**
 * Runs the UI on this terminal until the user quits: over snapshot files (loaded first, with a
 * progress line), or live over a process. The UI draws on the terminal's alternate screen, so
 * the shell's screen comes back as it was; a live session's program is stopped at the end and
 * the directory of its snapshots named.
 */
export async function runUi(what: { readonly files: readonly string[] } | { readonly live: LiveOptions }): Promise<void> {
  let data: UiData | undefined;
  let live: LiveSession | undefined;
  // Ink, React and the app load while the snapshots do (parsing runs on worker threads).
  const modules = Promise.all([importInk(), import('./app.js')]);
  modules.catch(() => {});
  if ('files' in what) {
    const { loadUiData } = await import('./model/load-ui-data.js');
    // Progress on the terminal's line until the UI takes the screen (stderr is the terminal here).
    const progress = process.stderr.isTTY ? (text: string): void => void process.stderr.write(`\r\x1b[2K${text.slice(0, (process.stderr.columns || 80) - 1)}`) : undefined;
    try {
      data = await loadUiData(what.files, progress);
    } finally {
      if (progress) process.stderr.write('\r\x1b[2K');
    }
  } else {
    const { LiveSession } = await import('./live-session.js');
    live = await LiveSession.start(what.live);
  }
  const [{ render }, { App }] = await modules;
  const colour = !('NO_COLOR' in process.env && process.env['NO_COLOR'] !== '') && process.stdout.hasColors?.() !== false;
  let left = false;
  const leave = (): void => {
    if (left) return;
    left = true;
    process.stdout.write(LEAVE_ALTERNATE_SCREEN);
    void live?.close();
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    leave();
    process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as Record<string, number>)[signal]!);
  };
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];
  for (const signal of signals) process.on(signal, onSignal);
  // The terminal went away (closed window, killed multiplexer): nothing more can be drawn.
  const onGone = (): void => {
    left = true;
    void live?.close();
    process.exit(129);
  };
  process.stdout.on('error', onGone);
  process.once('exit', leave);
  process.stdout.write(ENTER_ALTERNATE_SCREEN);
  try {
    const instance = render(createElement(App, { data, ...(live ? { live } : {}), colour }), { exitOnCtrlC: true, patchConsole: true });
    await instance.waitUntilExit();
  } finally {
    leave();
    process.off('exit', leave);
    process.stdout.off('error', onGone);
    for (const signal of signals) process.off(signal, onSignal);
  }
  if (live) {
    await live.close();
    const files = live.files;
    process.stderr.write(
      files.length === 0
        ? `heapdiff: no snapshot taken; ${live.dir} is empty but for app.log if the program wrote one\n`
        : `heapdiff: ${files.length} snapshot${files.length === 1 ? '' : 's'} in ${live.dir}; to look again: heapdiff ui ${files.map((f) => JSON.stringify(f)).join(' ')}\n`,
    );
  }
}

/**
 * Ink, drawing on this terminal even when the environment says CI: Ink then renders only its
 * last frame (is-in-ci, read once when Ink loads), and the user asked for a UI on a terminal.
 * The variables are taken away while Ink (and chalk, which would turn colours off) load.
 */
async function importInk(): Promise<typeof import('ink')> {
  const saved = { CI: process.env['CI'], CONTINUOUS_INTEGRATION: process.env['CONTINUOUS_INTEGRATION'] };
  delete process.env['CI'];
  delete process.env['CONTINUOUS_INTEGRATION'];
  try {
    return await import('ink');
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
