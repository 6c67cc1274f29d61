// Makes the express benchmark snapshot: starts express-app.cjs (on the Node running this),
// drives it with 600 requests from 50 users (log in, browse, search, review, fill a cart,
// check out; a few admin calls), in the same order every run, then has the app write a heap
// snapshot of itself.   node express-workload.mjs <out.heapsnapshot>
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const out = process.argv[2];
const app = fork(fileURLToPath(new URL('express-app.cjs', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const [{ port }] = await once(app, 'message');
const base = `http://127.0.0.1:${port}`;
let sent = 0;
const failures = [];
async function call(method, path, { body, cookie, form } = {}) {
  sent++;
  const headers = { ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) };
  const res = await fetch(base + path, { method, headers, body: body ? JSON.stringify(body) : form });
  const text = await res.text();
  if (res.status >= 500) failures.push(`${method} ${path}: ${res.status} ${text}`);
  return { res, text };
}

const TAGS = ['outdoor', 'kitchen', 'garden', 'office', 'kids', 'sale', 'new', 'eco'];
for (let u = 0; u < 50; u++) {
  const { res } = await call('POST', '/api/v1/login', { body: { username: `user${u * 7}`, password: `secret${u * 7}` } });
  const cookie = res.headers.get('set-cookie').split(';')[0];
  await call('GET', `/api/v1/products?limit=20&offset=${(u % 10) * 20}`, { cookie });
  await call('GET', `/api/v1/products?tag=${TAGS[u % TAGS.length]}&limit=50`, { cookie });
  for (let i = 0; i < 3; i++) await call('GET', `/api/v1/products/${1 + ((u * 37 + i * 101) % 1500)}`, { cookie });
  await call('POST', '/api/v1/cart/items', { cookie, body: { productId: 1 + ((u * 13) % 1500), quantity: 1 + (u % 3) } });
  await call('POST', '/api/v1/cart/items', { cookie, body: { productId: 1 + ((u * 29) % 1500), quantity: 1 } });
  await call('GET', '/api/v1/cart', { cookie });
  if (u % 2 === 0) await call('POST', `/api/v1/products/${1 + ((u * 37) % 1500)}/reviews`, { cookie, body: { rating: 1 + (u % 5), text: `review ${u}: solid, would buy again` } });
  if (u % 3 !== 2) await call('POST', '/api/v1/orders', { cookie });
  await call('GET', '/api/v1/orders', { cookie });
}
// Back-office work and searches, on the sessions of the first users.
const { res: adminLogin } = await call('POST', '/api/v1/login', { body: { username: 'user1', password: 'secret1' } });
const cookie = adminLogin.headers.get('set-cookie').split(';')[0];
for (let i = 0; sent < 590; i++) {
  switch (i % 6) {
    case 0: await call('POST', '/api/v1/products', { cookie, body: { name: `new product ${i}`, price: 10 + i, tags: ['new'], description: 'fresh from the workshop' } }); break;
    case 1: await call('PATCH', `/api/v1/products/${1 + ((i * 53) % 1500)}`, { cookie, body: { price: 99.5 } }); break;
    case 2: await call('GET', `/api/v1/products?q=${['cedar', 'onyx', 'river'][i % 3]}&limit=30`, { cookie }); break;
    case 3: await call('GET', `/api/v1/products/${1 + ((i * 71) % 1500)}`); break;
    case 4: await call('POST', '/admin/feedback', { form: `topic=search&text=results+${i}` }); break;
    default: await call('GET', '/api/v1/nowhere'); break;
  }
}
await call('DELETE', '/api/v1/products/42', { cookie });
await call('POST', '/api/v1/logout', { cookie });
for (let i = 0; sent < 600; i++) await call('GET', i % 2 ? '/admin/stats' : '/admin/log?n=100');
if (failures.length > 0) throw new Error(`the app failed:\n${failures.join('\n')}`);

app.send({ snapshot: out });
const [done] = await once(app, 'message');
await once(app, 'exit');
process.stdout.write(`${JSON.stringify({ requests: sent, sessions: done.sessions, orders: done.orders, products: done.products })}\n`);
