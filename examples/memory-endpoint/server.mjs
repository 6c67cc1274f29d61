// An app with a memory leak, and heapdiff's memory endpoint and metrics on an internal port.
//
//   MEMORY_PASSWORD=secret node server.mjs
// (captures are at least MIN_INTERVAL_MS apart: run the lines below 10 s apart, or set it lower)
//   curl localhost:3000/login                          # the app: each login keeps a Session forever
//   curl -u ops:secret 127.0.0.1:9464/debug/memory      # the heap's classes, biggest first
//   curl -u ops:secret '127.0.0.1:9464/debug/memory?format=json'
//   curl -u ops:secret -X POST '127.0.0.1:9464/debug/memory?mark'   # a baseline; then, after some logins:
//   curl -u ops:secret '127.0.0.1:9464/debug/memory?since=mark'      # what is new since, and what holds it
//   curl -u ops:secret --compressed -o app.heapsnapshot '127.0.0.1:9464/debug/memory?download=snapshot'
//   curl 127.0.0.1:9464/metrics                         # Prometheus (heapdiff_* next to prom-client's defaults)
//
// Environment: PORT (3000), ADMIN_PORT (9464), MEMORY_USER (ops), MEMORY_PASSWORD (required),
// MIN_INTERVAL_MS (10000), TIMEOUT_MS (60000), MEMORY_FACTOR (12). Port 0 picks a free port; the
// ports are printed as one JSON line.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { memoryEndpoint } from '@heapdiff/core/server';
import { registerMemoryMetrics } from '@heapdiff/core/prometheus';
import { collectDefaultMetrics, Registry } from 'prom-client';

const password = process.env.MEMORY_PASSWORD;
if (!password) {
  console.error('example: set MEMORY_PASSWORD (the memory endpoint is never open)');
  process.exit(2);
}
const number = (name, fallback) => (process.env[name] === undefined ? fallback : Number(process.env[name]));

// The app: a login handler that keeps every Session in a Map nobody cleans.
class Session {
  constructor(user) {
    this.id = randomUUID();
    this.user = user;
    this.createdAt = Date.now();
    this.permissions = ['read', 'write'];
  }
}
const sessions = new Map();
const app = createServer((request, response) => {
  if (request.url?.startsWith('/login')) {
    const session = new Session(`user${sessions.size}`);
    sessions.set(session.id, session);
    response.end(`welcome, session ${session.id}\n`);
  } else response.end('ok\n');
});

// The internal server: the memory endpoint and the metrics. Serve it on an internal address only.
const memory = memoryEndpoint({
  auth: { username: process.env.MEMORY_USER ?? 'ops', password },
  download: true,
  since: true,
  minInterval: number('MIN_INTERVAL_MS', 10_000),
  timeout: number('TIMEOUT_MS', 60_000),
  memoryFactor: number('MEMORY_FACTOR', 12),
});
const registry = new Registry();
collectDefaultMetrics({ register: registry });
registerMemoryMetrics({ registry, endpoint: memory });
const admin = createServer(async (request, response) => {
  if (new URL(request.url ?? '/', 'http://x').pathname === '/debug/memory') return memory(request, response);
  if (request.url === '/metrics') {
    try {
      const text = await registry.metrics();
      response.setHeader('Content-Type', registry.contentType);
      return response.end(text);
    } catch (error) {
      response.statusCode = 500;
      return response.end(`metrics failed: ${error.message}\n`);
    }
  }
  response.statusCode = 404;
  response.end('not found\n');
});

const listening = (server, port, host) => new Promise((resolve) => server.listen(port, host, () => resolve(server.address().port)));
const ports = {
  app: await listening(app, number('PORT', 3000), '127.0.0.1'),
  admin: await listening(admin, number('ADMIN_PORT', 9464), '127.0.0.1'),
};
console.log(JSON.stringify(ports));
