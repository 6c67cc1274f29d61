// The records the benchmark heaps are made of: objects of varied shapes, as an app keeps them.
// Plain JS so that the generators need no build.

export class Session {
  constructor(id, user) {
    this.id = id;
    this.user = user;
    this.createdAt = Date.now() + id;
    this.tags = [];
  }
}
export class User {
  constructor(id) {
    this.id = id;
    this.name = `user-${id}`;
    this.email = `user${id}@example.com`;
    this.settings = { theme: id % 2 ? 'dark' : 'light', locale: 'en', flags: id % 7 };
  }
}
export class Order {
  constructor(id, user) {
    this.id = id;
    this.user = user;
    this.items = [];
    this.total = 0;
  }
}

/** A fresh set of containers for `addRecords`. */
export function newKeep() {
  return { users: [], sessions: new Map(), orders: [], handlers: [], blobs: [], cache: new Map() };
}

/** Adds records `from`..`to - 1` (each: a user, a session, an order with items, and some extras) to `keep`. */
export function addRecords(keep, from, to) {
  for (let i = from; i < to; i++) {
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
}
