// The demo program: a tiny request handler that leaks. Every request stores a Session in a
// module-level Map and never removes it: the classic "cache without eviction" leak.
// Run by run-demo.js, which snapshots its heap and shows what heapdiff finds.
import { writeHeapSnapshot } from 'node:v8';

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
  return `hello ${session.user}`;
}

for (let i = 0; i < 5000; i++) handleRequest(i);

const file = process.argv[2];
if (!file) {
  console.error('usage: node leaky-app.js <snapshot file>');
  process.exit(2);
}
writeHeapSnapshot(file);
