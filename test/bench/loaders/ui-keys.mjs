// Benchmark child: the terminal UI over one snapshot, rendered by Ink into a 100×30 terminal
// stream, with the largest class's instance list open; each key is typed into stdin and timed
// until Ink writes the frame it causes. Keys are 120 ms apart (Ink draws at most 30 frames a
// second: a key after a pause draws at once).
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { createElement } from 'react';
import { render } from 'ink';
import { App, loadUiData } from '@heapdiff/cli/ui';

const file = process.argv[2];
const t0 = performance.now();
const data = await loadUiData([file]);
const loadedMs = performance.now() - t0;

class Terminal extends Writable {
  columns = 100;
  rows = 30;
  isTTY = true;
  frames = 0;
  lastWrite = 0;
  _write(chunk, _encoding, done) {
    this.frames++;
    this.lastWrite = performance.now();
    this.emit('frame');
    done();
  }
}
class Keyboard extends EventEmitter {
  isTTY = true;
  data = null;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  type(text) {
    this.data = text;
    this.emit('readable');
    this.emit('data', text);
  }
}
const stdout = new Terminal();
const stdin = new Keyboard();
const app = render(createElement(App, { data, colour: true }), { stdout, stdin, stderr: stdout, exitOnCtrlC: false, patchConsole: false });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
await sleep(300);

/** Types a key and resolves with the ms until the next frame is written (or undefined if none comes in 5 s). */
function timeKey(key) {
  return new Promise((resolve) => {
    const start = performance.now();
    const timer = setTimeout(() => {
      stdout.off('frame', onFrame);
      resolve(undefined);
    }, 5000);
    const onFrame = () => {
      clearTimeout(timer);
      stdout.off('frame', onFrame);
      resolve(performance.now() - start);
    };
    stdout.on('frame', onFrame);
    stdin.type(key);
  });
}

const KEYS = { down: '\x1b[B', up: '\x1b[A', pageDown: '\x1b[6~', pageUp: '\x1b[5~', end: '\x1b[F', home: '\x1b[H', enter: '\r', escape: '\x1b' };
// The largest class by count: sort the summary by count, go to the first row, open it.
await timeKey('c');
await sleep(120);
await timeKey('g');
await sleep(120);
const largest = data.summary.classes.reduce((a, b) => (b.count > a.count ? b : a));
const openMs = await timeKey(KEYS.enter);
await sleep(120);
const times = { move: [], page: [], jump: [] };
const plan = [];
for (let i = 0; i < 60; i++) plan.push(['move', i % 3 === 2 ? KEYS.up : KEYS.down]);
for (let i = 0; i < 40; i++) plan.push(['page', i % 4 === 3 ? KEYS.pageUp : KEYS.pageDown]);
for (let i = 0; i < 20; i++) plan.push(['jump', i % 2 ? KEYS.home : KEYS.end]);
for (const [kind, key] of plan) {
  const ms = await timeKey(key);
  if (ms !== undefined) times[kind].push(ms);
  await sleep(120);
}
// A new sort of the whole list (sorted once per key, then kept), then the same key again (reversing: no new sort).
const sorts = {};
for (const key of ['h', 'd', 'i']) {
  sorts[key] = await timeKey(key);
  await sleep(120);
}
const reverse = await timeKey('i');
await sleep(120);
// Opening an object's detail from the list, and back.
const detailMs = await timeKey(KEYS.enter);
await sleep(120);
const backMs = await timeKey(KEYS.escape);
app.unmount();
process.send?.({
  loadedMs,
  largest: { className: largest.className, count: largest.count },
  openMs,
  times,
  sorts,
  reverse,
  detailMs,
  backMs,
  maxRssKb: process.resourceUsage().maxRSS,
});
process.exit(0);
