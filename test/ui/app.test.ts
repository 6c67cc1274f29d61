import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App, loadUiData, type LiveSource, type UiData } from '@heapdiff/cli/ui';
import { inflatedFixture, tempDir } from '../helpers/fixtures.js';
import { writeSeries } from '../helpers/snapshot-series.js';

// The UI rendered by Ink into a test terminal, over real snapshots, keys typed into its stdin.

const TRACKING_PROGRAM = fileURLToPath(new URL('../fixtures/snapshots/fixture-tracking.cjs', import.meta.url));
const KEYS = { down: '\x1b[B', up: '\x1b[A', right: '\x1b[C', left: '\x1b[D', pageDown: '\x1b[6~', end: '\x1b[F', enter: '\r', escape: '\x1b', tab: '\t', backspace: '\x7f' };

type Rendered = ReturnType<typeof render>;
const mounted: Rendered[] = [];
afterEach(() => {
  for (const ui of mounted.splice(0)) ui.unmount();
});

/** Renders the app in a terminal of the given size (ink-testing-library's is 100 columns). */
function show(data: UiData | undefined, options: { columns?: number; rows?: number; live?: LiveSource } = {}): Rendered {
  const ui = render(createElement(App, { data, colour: false, ...(options.live ? { live: options.live } : {}) }));
  mounted.push(ui);
  if (options.columns || options.rows) resize(ui, options.columns ?? 100, options.rows ?? 24);
  return ui;
}

function resize(ui: Rendered, columns: number, rows: number): void {
  Object.defineProperty(ui.stdout, 'columns', { value: columns, configurable: true });
  Object.defineProperty(ui.stdout, 'rows', { value: rows, configurable: true });
  ui.stdout.emit('resize');
}

const frame = (ui: Rendered): string => ui.lastFrame() ?? '';
const lines = (ui: Rendered): string[] => frame(ui).split('\n');
/** The selected row (marked ›), without the mark. */
const selected = (ui: Rendered): string => (lines(ui).find((line) => line.startsWith('›')) ?? '').slice(2);

/** Types keys one by one, each given time to render, then waits until `until` holds (if given). */
async function press(ui: Rendered, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    ui.stdin.write(key);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

async function until(ui: Rendered, check: (frame: string) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check(frame(ui))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${frame(ui)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let one: UiData;
let series: UiData;
beforeAll(async () => {
  one = await loadUiData([inflatedFixture(20)]);
  // 1,000 warm-up requests, then two rounds of 300 new URLs each, cached forever.
  series = await loadUiData(writeSeries('map-cache'));
}, 60_000);

describe('heapdiff ui over one snapshot', () => {
  it('opens on the Summary, biggest retained size first, and says what it shows', async () => {
    const ui = show(one);
    await until(ui, (f) => f.includes('Class'), 'the summary');
    const [tabs, header] = lines(ui);
    expect(tabs).toMatch(/^\[1 Summary\]\s*$/);
    // The sorted column shows its arrow (its key would not fit beside it); the others their keys.
    expect(header).toMatch(/^ {2}Class \[n\] +Objects \[c\] +Shallow \[h\] +Retained ▼$/);
    const status = lines(ui).at(-1)!;
    expect(status).toMatch(/^ row 1 of [\d,]+ · sort: retained ▼ · node20\.heapsnapshot · [\d,]+ objects, [\d.]+ [kM]B +\? keys {2}q quit ?$/);
    // Rows by retained size, largest first.
    const retained = lines(ui).slice(2, 12).map((line) => line.match(/([\d.]+) (B|kB|MB)$/)).map((m) => Number(m![1]) * { B: 1, kB: 1e3, MB: 1e6 }[m![2] as 'B']);
    expect(retained).toEqual([...retained].sort((a, b) => b - a));
  });

  it('sorts by a column’s key, again to reverse; filters as you type', async () => {
    const ui = show(one);
    await until(ui, (f) => f.includes('Class'), 'the summary');
    await press(ui, 'n', 'g');
    // Names A to Z: smallest first, ▲.
    expect(lines(ui)[1]).toMatch(/Class ▲ \[n\]/);
    const names = lines(ui).slice(2, 8).map((l) => l.slice(2).trim().split(/\s{2,}/)[0]!);
    expect(names).toEqual([...names].sort());
    await press(ui, 'n');
    expect(lines(ui)[1]).toMatch(/Class ▼ \[n\]/);
    await press(ui, 'c', 'g');
    const counts = lines(ui).slice(2, 8).map((l) => Number(l.slice(2).trim().split(/\s{2,}/)[1]!.replaceAll(',', '')));
    expect(counts).toEqual([...counts].sort((a, b) => b - a));

    await press(ui, '/', 'm', 'a', 'p');
    expect(lines(ui).at(-1)).toMatch(/filter: map█/);
    const shown = lines(ui).slice(2, -1).filter((l) => l.trim() !== '');
    expect(shown.length).toBeGreaterThan(0);
    for (const line of shown) expect(line.toLowerCase()).toContain('map');
    await press(ui, KEYS.backspace, KEYS.backspace, KEYS.backspace, 'z', 'z', 'q', 'x');
    // q was text, not quit; nothing matches.
    expect(frame(ui)).toContain('No classes matching "zzqx".');
    await press(ui, KEYS.escape);
    expect(lines(ui).at(-1)).not.toContain('filter');
    expect(selected(ui)).not.toBe('');
  });

  it('drills from a class to its objects to one object’s retainers, and back keeping the selection', async () => {
    const ui = show(one, { rows: 40 });
    await until(ui, (f) => f.includes('Class'), 'the summary');
    await press(ui, '/', 'O', 'b', 'j', 'e', 'c', 't', KEYS.enter, 'c', KEYS.down);
    const row = selected(ui);
    const className = row.trim().split(/\s{2,}/)[0]!;
    const count = Number(row.trim().split(/\s{2,}/)[1]!.replaceAll(',', ''));
    await press(ui, KEYS.enter);
    await until(ui, (f) => f.includes('Object [i]'), 'the instance list');
    // The breadcrumb names the class (cut to the line when long).
    expect(lines(ui)[0]).toContain(className.slice(0, 20));
    expect(lines(ui)[1]).toMatch(/Object \[i\] +Shallow \[h\] +Retained ▼ +Distance \[d\]/);
    const objects = lines(ui).slice(2, -1).filter((l) => /@\d+/.test(l));
    expect(objects.length).toBe(Math.min(count, 35));
    await press(ui, KEYS.down, KEYS.down);
    const object = selected(ui).trim().split(/\s{2,}/)[0]!;
    await press(ui, KEYS.enter);
    await until(ui, (f) => f.includes('Retainer path from the GC roots'), 'the detail');
    const id = object.match(/@(\d+)/)![1]!;
    expect(lines(ui)[0]).toContain(`@${id}`);
    expect(frame(ui)).toMatch(new RegExp(`› .*@${id} {2}object`));
    expect(frame(ui)).toMatch(/shallow [\d.]+ k?B · retained [\d.]+ k?B · distance \d+ · [\d,]+ retainers?/);
    expect(frame(ui)).toMatch(/Retainers \([\d,]+\)/);
    // Back: the instance list with the same object selected, then the summary with the class.
    await press(ui, KEYS.escape);
    await until(ui, (f) => f.includes('Object [i]'), 'the instance list again');
    expect(selected(ui)).toContain(object);
    await press(ui, KEYS.backspace);
    await until(ui, (f) => f.includes('Class [n]'), 'the summary again');
    expect(selected(ui).trim().split(/\s{2,}/)[0]).toBe(className);
  });

  it('opens a retainer’s own retainers with →, closes them with ←, and Enter follows a retainer', async () => {
    const ui = show(one, { rows: 60 });
    await until(ui, (f) => f.includes('Class'), 'the summary');
    await press(ui, '/', 'M', 'a', 'p', KEYS.enter, KEYS.enter);
    await until(ui, (f) => f.includes('Object [i]'), 'the instance list');
    await press(ui, KEYS.enter);
    await until(ui, (f) => f.includes('Retainers ('), 'the detail');
    // To the first retainer line: the first ▸ under "Retainers".
    const at = lines(ui).findIndex((l) => l.includes('Retainers ('));
    const first = lines(ui).findIndex((l, i) => i > at && /[▸·] /.test(l));
    expect(first).toBeGreaterThan(at);
    const top = lines(ui).findIndex((l) => l.startsWith('›'));
    await press(ui, ...Array.from({ length: first - top }, () => KEYS.down));
    expect(selected(ui)).toMatch(/^ *[▸·] /);
    const before = frame(ui);
    if (selected(ui).includes('▸')) {
      await press(ui, KEYS.right);
      expect(selected(ui)).toMatch(/^ *▾ /);
      // Its own retainers, one level deeper.
      const opened = lines(ui)[lines(ui).findIndex((l) => l.startsWith('›')) + 1]!;
      expect(opened).toMatch(/^ {6}[▸·▾] /);
      await press(ui, KEYS.left);
      expect(frame(ui)).toBe(before);
    }
    const retainer = selected(ui).match(/@(\d+)/)![1]!;
    await press(ui, KEYS.enter);
    await until(ui, (f) => lines(ui)[0]!.includes(`@${retainer}`), 'the retainer’s detail');
    expect(frame(ui)).toMatch(new RegExp(`› .*@${retainer} {2}`));
  });

  it('fits 80×24: no line wider, no more lines; long names end in an ellipsis; redraws on resize', async () => {
    const ui = show(one, { columns: 80, rows: 24 });
    await until(ui, (f) => f.includes('Class'), 'the summary');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lines(ui).length).toBeLessThanOrEqual(24);
    for (const line of lines(ui)) expect([...line].length).toBeLessThanOrEqual(80);
    await press(ui, 'n', KEYS.end);
    expect(lines(ui).length).toBeLessThanOrEqual(24);
    for (const line of lines(ui)) expect([...line].length).toBeLessThanOrEqual(80);
    // The summary of a Node snapshot has class names longer than the column.
    await press(ui, 'h');
    const all: string[] = [];
    for (let page = 0; page < 40 && !all.some((l) => l.includes('…')); page++) {
      all.push(...lines(ui).slice(2, -1));
      await press(ui, KEYS.pageDown);
    }
    expect(all.some((l) => /…\s+[\d,]+\s/.test(l))).toBe(true);
    resize(ui, 60, 12);
    await until(ui, (f) => f.split('\n').length <= 12 && f.includes('›'), 'the smaller screen, the selection on it');
    for (const line of lines(ui)) expect([...line].length).toBeLessThanOrEqual(60);
    expect(lines(ui).filter((l) => l.startsWith('›'))).toHaveLength(1);
  });

  it('keeps the selected class through a sort and a filter; Esc clears a kept filter', async () => {
    const ui = show(one);
    await until(ui, (f) => f.includes('Class'), 'the summary');
    await press(ui, KEYS.down, KEYS.down, KEYS.down);
    const chosen = selected(ui).trim().split(/\s{2,}/)[0]!;
    await press(ui, 'c');
    expect(selected(ui).trim().split(/\s{2,}/)[0]).toBe(chosen);
    await press(ui, 'n');
    expect(selected(ui).trim().split(/\s{2,}/)[0]).toBe(chosen);
    await press(ui, '/', ...chosen.slice(0, 3), KEYS.enter);
    expect(selected(ui).trim().split(/\s{2,}/)[0]).toBe(chosen);
    await press(ui, KEYS.escape);
    expect(lines(ui).at(-1)).not.toContain('filter');
    expect(selected(ui).trim().split(/\s{2,}/)[0]).toBe(chosen);
  });

  it('names what tells objects apart in a list: a string’s text, a function’s name', async () => {
    const ui = show(one, { rows: 40 });
    await until(ui, (f) => f.includes('Class'), 'the summary');
    await press(ui, '/', '(', 's', 't', 'r', 'i', 'n', 'g', ')', KEYS.enter, KEYS.enter);
    await until(ui, (f) => f.includes('Object [i]'), 'the strings');
    expect(selected(ui)).toMatch(/^\(string\) @\d+ "/);
    await press(ui, KEYS.escape, '/');
    await press(ui, ...Array.from({ length: 8 }, () => KEYS.backspace), 'F', 'u', 'n', 'c', 't', 'i', 'o', 'n', KEYS.enter);
    const functionRow = lines(ui).findIndex((l) => /^. Function +[\d,]+ /.test(l));
    const at = lines(ui).findIndex((l) => l.startsWith('›'));
    await press(ui, ...Array.from({ length: Math.max(0, functionRow - at) }, () => KEYS.down), KEYS.enter);
    await until(ui, (f) => f.includes('Object [i]'), 'the functions');
    expect(lines(ui).filter((l) => /Function @\d+ [\w$]+\(\) /.test(l)).length).toBeGreaterThan(5);
  });

  it('? shows the keys, any key closes them; a tab that needs more snapshots is not offered', async () => {
    const ui = show(one);
    await until(ui, (f) => f.includes('Class'), 'the summary');
    await press(ui, '2', '3', KEYS.tab);
    expect(lines(ui)[0]).toMatch(/^\[1 Summary\]\s*$/);
    await press(ui, '?');
    expect(frame(ui)).toContain('Keys');
    expect(frame(ui)).toMatch(/Enter +open/);
    expect(frame(ui)).not.toMatch(/live mode/);
    await press(ui, 'x');
    expect(frame(ui)).toContain('Class [n]');
  });
});

describe('heapdiff ui over a snapshot with allocation stacks', () => {
  it('an object’s detail ends with where it was allocated', async () => {
    const file = join(tempDir(), 'tracked.heapsnapshot');
    execFileSync(process.execPath, [TRACKING_PROGRAM, file]);
    const ui = show(await loadUiData([file]), { rows: 60 });
    await until(ui, (f) => f.includes('Class'), 'the summary');
    await press(ui, '/', 'T', 'r', 'a', 'c', 'k', 'e', 'd', KEYS.enter);
    expect(selected(ui)).toMatch(/^Tracked +200 /);
    await press(ui, KEYS.enter);
    await until(ui, (f) => f.includes('Object [i]'), 'the objects');
    await press(ui, KEYS.enter);
    await until(ui, (f) => f.includes('Allocated at'), 'the allocation stack');
    const at = lines(ui).findIndex((l) => l.includes('Allocated at'));
    // Innermost first: the arrow function Array.from calls, Array.from, then allocateTracked.
    expect(lines(ui).slice(at + 1, at + 4).map((l) => l.trim())).toEqual([
      expect.stringMatching(/^\(anonymous\) \(.*fixture-tracking\.cjs:\d+:\d+\)$/),
      expect.stringMatching(/^from \(/),
      expect.stringMatching(/^allocateTracked \(.*fixture-tracking\.cjs:\d+:\d+\)$/),
    ]);
  });
});

describe('heapdiff ui over a series of one process', () => {
  it('Comparison: what the last round added, class by class, and the new objects of a class', async () => {
    const ui = show(series);
    await until(ui, (f) => f.includes('Leak [n]'), 'the leaks');
    // Three snapshots open on the Leaks tab.
    expect(lines(ui)[0]).toMatch(/^ 1 Summary {2}2 Comparison \[3 Leaks\]/);
    await press(ui, '2');
    await until(ui, (f) => f.includes('New [w]'), 'the comparison');
    await press(ui, '/', 'C', 'a', 'c', 'h', 'e', 'd', KEYS.enter);
    const row = selected(ui).trim().split(/\s{2,}/);
    // 300 new CachedResponses in the last round, none freed.
    expect(row.slice(0, 4)).toEqual(['CachedResponse', '300', '0', '+300']);
    await press(ui, KEYS.enter);
    await until(ui, (f) => f.includes('Object [i]'), 'the new objects');
    expect(lines(ui)[0]).toContain('CachedResponse (new)');
    // A page of them: 24 lines less the tabs, header, status line and a spare.
    expect(lines(ui).filter((l) => /CachedResponse @\d+/.test(l)).length).toBe(19);
    await press(ui, KEYS.end);
    // 300 of them: the last is row 300 of the list, on screen.
    expect(selected(ui)).toMatch(/CachedResponse @\d+/);
  });

  it('Comparison fits 80 columns with room for the class name', async () => {
    const ui = show(series, { columns: 80, rows: 24 });
    await until(ui, (f) => f.includes('Leak [n]'), 'the leaks');
    await press(ui, '2', '/', 'C', 'a', 'c', 'h', 'e', 'd', KEYS.enter);
    for (const line of lines(ui)) expect([...line].length).toBeLessThanOrEqual(80);
    expect(selected(ui)).toMatch(/^CachedResponse +300 +0 +\+300 /);
  });

  it('Leaks: the growing class first with its live counts, its path in the pane, and its leak roots', async () => {
    const ui = show(series, { rows: 30 });
    await until(ui, (f) => f.includes('Leak [n]'), 'the leaks');
    await press(ui, '3');
    await until(ui, (f) => f.includes('Leak [n]'), 'the leaks');
    expect(selected(ui)).toMatch(/^CachedResponse +600 +[\d.]+ kB +[\d.]+ kB +▁▅█/);
    expect(frame(ui)).toMatch(/Leak: CachedResponse \(defined at scenarios\.mjs:\d+\) ×600, retains [\d.]+ kB/);
    expect(frame(ui)).toMatch(/live CachedResponse per snapshot: [\d,]+ → [\d,]+ → [\d,]+ {3}this group's new per round: 300, 300/);
    // (Wrapped at an arrow wherever the line ends.)
    expect(frame(ui)).toMatch(/path: [^\n]*(\n {6}→ [^\n]*)*cache \(Map\)(?: |\n {6})→ table(?: |\n {6})→ \d+(?: |\n {6})→ CachedResponse @\d+/);
    await press(ui, KEYS.enter);
    await until(ui, (f) => f.includes('Object [i]'), 'the leak roots');
    expect(lines(ui)[0]).toContain('CachedResponse (leak roots)');
    await press(ui, KEYS.end);
    expect(lines(ui).at(-1)).toContain('sort: retained');
    await press(ui, KEYS.enter);
    await until(ui, (f) => f.includes('Retainer path'), 'a leak root');
    expect(frame(ui)).toMatch(/cache → Map @\d+|→ Map @\d+/);
    // Tab goes on to the Summary, whose drill-down was left alone.
    await press(ui, KEYS.tab);
    expect(lines(ui)[1]).toContain('Class [n]');
  });
});

describe('heapdiff ui live', () => {
  it('starts empty, takes a snapshot on s with its progress in the status line, fills the tabs as snapshots come', async () => {
    const files = writeSeries('map-cache');
    let taken = 0;
    let release: (() => void) | undefined;
    const live: LiveSource = {
      description: 'pid 4242',
      dir: '/tmp/heapdiff-ui-test',
      async snapshot(progress) {
        progress(`taking snapshot ${taken + 1}: 50%`);
        await new Promise<void>((resolve) => (release = resolve));
        taken++;
        return loadUiData(files.slice(0, taken));
      },
    };
    const ui = show(undefined, { live });
    await until(ui, (f) => f.includes('No snapshot yet'), 'the empty screen');
    expect(frame(ui)).toContain('press s to take one of pid 4242');
    await press(ui, 's');
    await until(ui, (f) => f.includes('taking snapshot 1: 50%'), 'the progress');
    // A second s while one is under way does nothing; the UI still answers keys.
    await press(ui, 's', '?');
    expect(frame(ui)).toContain('live mode: take a snapshot');
    await press(ui, 'x');
    release!();
    await until(ui, (f) => f.includes('Class [n]'), 'the first summary');
    expect(lines(ui)[0]).toMatch(/^\[1 Summary\]\s*$/);
    for (const tabs of ['2 Comparison', '3 Leaks']) {
      await press(ui, 's');
      await until(ui, () => release !== undefined, 'the snapshot to start');
      release!();
      await until(ui, (f) => f.includes(tabs), tabs);
    }
    await press(ui, '3');
    await until(ui, (f) => f.includes('Leak: CachedResponse'), 'the leak');
    // Each new snapshot said so in the status line.
    expect(lines(ui).at(-1)).toContain('snapshot 3 loaded');
  });

  it('a failed snapshot is said in the status line and the UI goes on', async () => {
    const live: LiveSource = {
      description: 'pid 4242',
      dir: '/tmp/x',
      snapshot: () => Promise.reject(new Error('the process ended (exit code 1)')),
    };
    const ui = show(undefined, { live });
    await press(ui, 's');
    await until(ui, (f) => f.includes('snapshot failed: the process ended (exit code 1)'), 'the failure');
    expect(frame(ui)).toContain('No snapshot yet');
  });
});
