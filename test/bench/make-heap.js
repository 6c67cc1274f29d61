// Builds a heap of many objects of varied shapes, then writes a snapshot of it.
// Usage: node --max-old-space-size=16000 make-heap.js <records> <out.heapsnapshot>
// Run by generate-snapshots.ts in a child process; plain JS so it needs no build.
import { writeHeapSnapshot } from 'node:v8';

const records = Number(process.argv[2]);
const out = process.argv[3];
if (!Number.isInteger(records) || records <= 0 || !out) {
  console.error('usage: make-heap.js <records> <out.heapsnapshot>');
  process.exit(2);
}

class Session {
  constructor(id, user) {
    this.id = id;
    this.user = user;
    this.createdAt = Date.now() + id;
    this.tags = [];
  }
}
class User {
  constructor(id) {
    this.id = id;
    this.name = `user-${id}`;
    this.email = `user${id}@example.com`;
    this.settings = { theme: id % 2 ? 'dark' : 'light', locale: 'en', flags: id % 7 };
  }
}
class Order {
  constructor(id, user) {
    this.id = id;
    this.user = user;
    this.items = [];
    this.total = 0;
  }
}

const keep = { users: [], sessions: new Map(), orders: [], handlers: [], blobs: [], cache: new Map() };
for (let i = 0; i < records; i++) {
  const user = new User(i);
  keep.users.push(user);
  const session = new Session(i, user);
  session.tags.push(`t${i % 100}`, `region-${i % 13}`);
  keep.sessions.set(`s${i}`, session);
  const order = new Order(i, user);
  for (let k = 0; k < (i % 4) + 1; k++) {
    order.items.push({ sku: `sku-${(i * 31 + k) % 5000}`, qty: k + 1, price: (i % 97) + k / 10 });
    order.total += k + 1;
  }
  keep.orders.push(order);
  if (i % 5 === 0) keep.handlers.push(() => session.id + order.total);
  if (i % 50 === 0) keep.blobs.push(new Uint8Array(64 + (i % 512)));
  if (i % 3 === 0) keep.cache.set(i, [i, String(i), { v: i }]);
}
globalThis.__heapdiffBenchKeep = keep;
writeHeapSnapshot(out);
