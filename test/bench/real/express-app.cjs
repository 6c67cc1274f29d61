// An Express 5 shop API for the benchmark snapshots: JSON API on a router, body parsing,
// cookie sessions with carts, an in-memory store of a few thousand records, orders, an access
// log and a response cache. Started by express-workload.mjs (over IPC): it listens on a free
// port, reports it, and writes a heap snapshot of itself when asked.
'use strict';
const crypto = require('node:crypto');
const v8 = require('node:v8');
const express = require('express');

/** A seeded generator, so every run builds the same store. */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(20240601);
const pick = (list) => list[Math.floor(rand() * list.length)];
const WORDS = ['alpine', 'basalt', 'cedar', 'delta', 'ember', 'fjord', 'granite', 'harbor', 'indigo', 'juniper', 'kelp', 'lumen', 'meadow', 'nimbus', 'onyx', 'prairie', 'quartz', 'river', 'sierra', 'tundra'];
const TAGS = ['outdoor', 'kitchen', 'garden', 'office', 'kids', 'sale', 'new', 'eco', 'premium', 'travel', 'sport', 'audio'];
const sentence = (n) => Array.from({ length: n }, () => pick(WORDS)).join(' ');

class Review {
  constructor(author, rating, text) {
    this.author = author;
    this.rating = rating;
    this.text = text;
    this.createdAt = new Date(1_700_000_000_000 + Math.floor(rand() * 1e10));
  }
}
class Product {
  constructor(id) {
    this.id = id;
    this.sku = `SKU-${String(id).padStart(6, '0')}`;
    this.name = `${sentence(2)} ${id}`;
    this.description = sentence(12);
    this.price = Math.round(rand() * 50_000) / 100;
    this.tags = TAGS.filter(() => rand() < 0.2);
    this.inventory = { north: Math.floor(rand() * 100), south: Math.floor(rand() * 100) };
    this.reviews = Array.from({ length: Math.floor(rand() * 4) }, () => new Review(`user${Math.floor(rand() * 400)}`, 1 + Math.floor(rand() * 5), sentence(8)));
    this.updatedAt = new Date(1_700_000_000_000 + id * 60_000);
  }
}
class User {
  constructor(id) {
    this.id = id;
    this.username = `user${id}`;
    this.passwordHash = crypto.createHash('sha256').update(`secret${id}`).digest('hex');
    this.email = `user${id}@example.com`;
    this.addresses = [{ street: `${id} ${pick(WORDS)} street`, city: pick(WORDS), zip: String(10000 + id) }];
  }
}
class Session {
  constructor(id, user) {
    this.id = id;
    this.user = user;
    this.cart = new Map();
    this.recentlyViewed = [];
    this.createdAt = Date.now();
    this.lastSeen = this.createdAt;
  }
}
class Order {
  constructor(id, session, items) {
    this.id = id;
    this.userId = session.user.id;
    this.items = items;
    this.total = items.reduce((sum, item) => sum + item.price * item.quantity, 0);
    this.status = 'placed';
    this.placedAt = new Date();
  }
}

const products = new Map();
for (let id = 1; id <= 1500; id++) products.set(id, new Product(id));
let nextProductId = products.size + 1;
const users = new Map();
for (let id = 0; id < 400; id++) users.set(`user${id}`, new User(id));
const sessions = new Map();
const orders = [];
const accessLog = []; // the last 500 requests
const listCache = new Map(); // GET /products pages, as sent
const stats = { requests: 0, byRoute: new Map() };

const app = express();
app.use((req, res, next) => {
  req.id = crypto.randomUUID();
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    stats.requests++;
    const route = `${req.method} ${req.route ? req.baseUrl + req.route.path : req.path}`;
    stats.byRoute.set(route, (stats.byRoute.get(route) ?? 0) + 1);
    accessLog.push({ id: req.id, method: req.method, url: req.originalUrl, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6, at: new Date() });
    if (accessLog.length > 500) accessLog.shift();
  });
  next();
});
app.use(express.json({ limit: '100kb' }));
app.use(express.urlencoded({ extended: false }));
app.use((req, res, next) => {
  const sid = /(?:^|;\s*)sid=([0-9a-f-]+)/.exec(req.headers.cookie ?? '')?.[1];
  req.session = sid ? sessions.get(sid) : undefined;
  if (req.session) req.session.lastSeen = Date.now();
  next();
});
const needsSession = (req, res, next) => (req.session ? next() : res.status(401).json({ error: 'log in first' }));

const api = express.Router();
api.post('/login', (req, res) => {
  const user = users.get(req.body?.username);
  if (!user || user.passwordHash !== crypto.createHash('sha256').update(String(req.body.password)).digest('hex')) return res.status(401).json({ error: 'bad credentials' });
  const session = new Session(crypto.randomUUID(), user);
  sessions.set(session.id, session);
  res.cookie('sid', session.id, { httpOnly: true, sameSite: 'lax' }).json({ user: { id: user.id, username: user.username } });
});
api.post('/logout', needsSession, (req, res) => {
  sessions.delete(req.session.id);
  res.clearCookie('sid').status(204).end();
});
api.get('/products', (req, res) => {
  const key = req.originalUrl;
  const cached = listCache.get(key);
  if (cached) return res.type('json').send(cached);
  const { tag, q } = req.query;
  const limit = Math.min(Number(req.query.limit ?? 20), 100);
  const offset = Number(req.query.offset ?? 0);
  let found = [...products.values()];
  if (tag) found = found.filter((p) => p.tags.includes(tag));
  if (q) found = found.filter((p) => p.name.includes(q) || p.description.includes(q));
  const body = JSON.stringify({ total: found.length, items: found.slice(offset, offset + limit).map(({ id, sku, name, price, tags }) => ({ id, sku, name, price, tags })) });
  listCache.set(key, body);
  if (listCache.size > 100) listCache.delete(listCache.keys().next().value);
  res.type('json').send(body);
});
api.get('/products/:id', (req, res) => {
  const product = products.get(Number(req.params.id));
  if (!product) return res.status(404).json({ error: 'no such product' });
  if (req.session) req.session.recentlyViewed = [product.id, ...req.session.recentlyViewed.filter((id) => id !== product.id)].slice(0, 10);
  res.json(product);
});
api.post('/products', needsSession, (req, res) => {
  const { name, price, tags = [], description = '' } = req.body ?? {};
  if (typeof name !== 'string' || typeof price !== 'number') return res.status(400).json({ error: 'name and price are required' });
  const product = new Product(nextProductId++);
  Object.assign(product, { name, price, tags, description });
  products.set(product.id, product);
  listCache.clear();
  res.status(201).json(product);
});
api.patch('/products/:id', needsSession, (req, res) => {
  const product = products.get(Number(req.params.id));
  if (!product) return res.status(404).json({ error: 'no such product' });
  for (const field of ['name', 'price', 'description', 'tags']) if (req.body?.[field] !== undefined) product[field] = req.body[field];
  product.updatedAt = new Date();
  listCache.clear();
  res.json(product);
});
api.delete('/products/:id', needsSession, (req, res) => {
  res.status(products.delete(Number(req.params.id)) ? 204 : 404).end();
  listCache.clear();
});
api.post('/products/:id/reviews', needsSession, (req, res) => {
  const product = products.get(Number(req.params.id));
  if (!product) return res.status(404).json({ error: 'no such product' });
  const review = new Review(req.session.user.username, Number(req.body?.rating ?? 5), String(req.body?.text ?? ''));
  product.reviews.push(review);
  res.status(201).json(review);
});
api.get('/cart', needsSession, (req, res) => res.json({ items: [...req.session.cart.values()] }));
api.post('/cart/items', needsSession, (req, res) => {
  const product = products.get(Number(req.body?.productId));
  if (!product) return res.status(400).json({ error: 'no such product' });
  const line = req.session.cart.get(product.id) ?? { productId: product.id, name: product.name, price: product.price, quantity: 0 };
  line.quantity += Number(req.body.quantity ?? 1);
  req.session.cart.set(product.id, line);
  res.status(201).json(line);
});
api.delete('/cart/items/:productId', needsSession, (req, res) => {
  req.session.cart.delete(Number(req.params.productId));
  res.status(204).end();
});
api.post('/orders', needsSession, (req, res) => {
  if (req.session.cart.size === 0) return res.status(400).json({ error: 'the cart is empty' });
  const order = new Order(orders.length + 1, req.session, [...req.session.cart.values()]);
  orders.push(order);
  req.session.cart = new Map();
  res.status(201).json(order);
});
api.get('/orders', needsSession, (req, res) => res.json(orders.filter((o) => o.userId === req.session.user.id)));

const admin = express.Router();
admin.get('/stats', (req, res) => res.json({ requests: stats.requests, byRoute: Object.fromEntries(stats.byRoute), products: products.size, sessions: sessions.size, orders: orders.length, memory: process.memoryUsage() }));
admin.get('/log', (req, res) => res.json(accessLog.slice(-Number(req.query.n ?? 50))));
admin.post('/feedback', (req, res) => res.status(201).json({ received: Object.keys(req.body ?? {}).length }));

app.use('/api/v1', api);
app.use('/admin', admin);
app.use((req, res) => res.status(404).json({ error: 'not found' }));
app.use((error, req, res, next) => res.status(error.status ?? 500).json({ error: error.message }));

const server = app.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (message) => {
  if (!message.snapshot) return;
  v8.writeHeapSnapshot(message.snapshot);
  process.send({ sessions: sessions.size, orders: orders.length, products: products.size }, () => process.exit(0));
});
