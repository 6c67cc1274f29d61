// The demo program: a tiny request handler that leaks. Every request stores a Session in a
// module-level Map and never removes it: the classic "cache without eviction" leak.
// It marks a baseline, handles requests, and asks heapdiff what is new and still alive —
// then writes three snapshots, 1,000 requests apart, for `heapdiff leaks`. Run by run-demo.js.
import { join } from 'node:path';
import { markHeap, writeSnapshot } from '@heapdiff/core/capture';
import { renderRelativeHeapText } from '@heapdiff/reporter';

class Session {
  constructor(id, user) {
    this.id = id;
    this.user = user;
    this.startedAt = Date.now();
    this.history = [`login:${user}`];
  }
}

const sessions = new Map();

function handleRequest(requestId) {
  const session = new Session(requestId, `user-${requestId % 50}`);
  sessions.set(requestId, session); // never deleted: this is the leak
  let garbage = 0;
  for (let i = 0; i < 20; i++) garbage += { i }.i; // short-lived: must not show up
  return `hello ${session.user} ${garbage}`;
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node leaky-app.js <directory for the snapshots>');
  process.exit(2);
}

const mark = await markHeap(); // heapy: h.setrelheap()
for (let i = 0; i < 5000; i++) handleRequest(i);
const rel = await mark.diff(); // heapy: h.heap()
process.stdout.write(renderRelativeHeapText(rel));
// Rounds of the same work with a snapshot after each: what grows from one to the next leaks.
let next = 5000;
for (const name of ['s0', 's1', 's2']) {
  if (name !== 's0') for (const end = next + 1000; next < end; next++) handleRequest(next);
  await writeSnapshot(join(dir, `${name}.heapsnapshot`));
}
