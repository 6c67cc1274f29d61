import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSnapshot, summarizeClasses } from '@heapdiff/core';
import { memoryEndpoint } from '@heapdiff/core/server';
import { CREDENTIALS, call, startExampleApp, type ExampleApp } from '../helpers/example-app.js';
import { tempDir } from '../helpers/fixtures.js';

// The memory endpoint in the example app (examples/memory-endpoint), a real process on
// 127.0.0.1, asked by a real HTTP client. Each /login keeps a Session in a Map forever.

const auth = CREDENTIALS;

async function login(port: number, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await call(port, '/login');
}

interface ClassRow {
  className: string;
  count: number;
  selfSize: number;
  retainedSize: number;
  retainerPath?: string;
}

function row(doc: { classes: ClassRow[] }, className: string): ClassRow | undefined {
  return doc.classes.find((r) => r.className === className);
}

/** GET with node:http (fetch would undo the gzip): status, headers and the raw body. */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

const basic = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;

describe('the memory endpoint (example app)', () => {
  let app: ExampleApp;
  beforeAll(async () => {
    app = await startExampleApp();
    await login(app.app, 250);
  }, 60_000);
  afterAll(() => app?.stop());

  it('serves the summary as JSON, with the app’s planted class and the process’s figures', async () => {
    const response = await call(app.admin, '/debug/memory?format=json&top=1000', { auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const doc = JSON.parse(response.text);
    expect(doc).toMatchObject({ schema: 'heapdiff/memory@1', pid: app.child.pid });
    expect(row(doc, 'Session')).toMatchObject({ className: 'Session', count: 250, location: { file: 'server.mjs' } });
    expect(row(doc, 'Session')!.selfSize).toBeGreaterThan(0);
    const p = doc.process;
    expect(p.rss).toBeGreaterThan(p.heapUsed);
    expect(p.heapUsed).toBeLessThanOrEqual(p.heapTotal);
    expect(p.heapTotal).toBeLessThan(p.heapLimit);
    expect(p.arrayBuffers).toBeLessThanOrEqual(p.external);
    expect(doc.totals.classes).toBeGreaterThan(doc.classes.length - 1);
    // Most retained first.
    const retained = doc.classes.map((r: ClassRow) => r.retainedSize);
    expect(retained).toEqual([...retained].sort((a: number, b: number) => b - a));
    // Accept: application/json asks for the same; a browser's Accept (text first) gets text.
    const byHeader = await call(app.admin, '/debug/memory', { auth, headers: { accept: 'application/json' } });
    expect(JSON.parse(byHeader.text).schema).toBe('heapdiff/memory@1');
    const browser = await call(app.admin, '/debug/memory', { auth, headers: { accept: 'text/html, application/json;q=0.1, */*;q=0.5' } });
    expect(browser.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(JSON.parse((await call(app.admin, '/debug/memory?format=JSON', { auth })).text).schema).toBe('heapdiff/memory@1');
  });

  it('serves the summary as text by default', async () => {
    const response = await call(app.admin, '/debug/memory?top=1000', { auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.text).toMatch(/^heapdiff: heap summary of pid \d+, captured \S+ in \d+ ms\n/);
    expect(response.text).toMatch(/\nprocess {2}rss [\d.]+ [kMG]B · heap used [\d.]+ [kMG]B of [\d.]+ [kMG]B \(limit [\d.]+ GB\) · external/);
    expect(response.text).toMatch(/\nSession \(server\.mjs:\d+\) +250 +[\d.]+ kB +[\d.]+ kB\n/);
    expect(response.text).toMatch(/\n[\d,]+ objects in [\d,]+ classes, [\d.]+ MB\n$/);
  });

  it('answers 401 with a challenge and nothing else without credentials, or with wrong ones', async () => {
    for (const credentials of [undefined, { username: auth.username, password: 'wrong' }, { username: 'root', password: auth.password }, 'Basic !!!', 'Bearer abc', `Basic ${Buffer.from('no-colon').toString('base64')}`]) {
      const response = await call(app.admin, '/debug/memory?format=json', credentials === undefined ? {} : { auth: credentials });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="heapdiff", charset="UTF-8"');
      expect(response.text).toBe('authentication required\n');
    }
    // Whatever the method or the query: no data, no hint of what exists.
    for (const path of ['/debug/memory?download=snapshot', '/debug/memory?since=mark']) {
      const response = await call(app.admin, path, { method: path.includes('since') ? 'GET' : 'DELETE' });
      expect(response.status).toBe(401);
      expect(response.text).toBe('authentication required\n');
    }
  });

  it('answers 405 to other methods, naming the allowed ones', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const response = await call(app.admin, '/debug/memory', { auth, method });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, POST');
    }
    expect(await call(app.admin, '/debug/memory', { auth, method: 'POST' })).toMatchObject({ status: 400, text: 'POST marks a baseline: POST ?mark\n' });
  });


  it('streams a fresh snapshot, gzipped when asked, that heapdiff opens', async () => {
    const gzipped = await rawGet(app.admin, '/debug/memory?download=snapshot', { authorization: basic, 'accept-encoding': 'gzip' });
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    // The name of the file once the client has undone the transfer's gzip (curl --compressed).
    expect(gzipped.headers['content-disposition']).toMatch(/^attachment; filename="heap-\d+-[\dT-]+Z\.heapsnapshot"$/);
    const file = join(tempDir(), 'downloaded.heapsnapshot');
    writeFileSync(file, gunzipSync(gzipped.body));
    const summary = summarizeClasses(await parseSnapshot(file));
    expect(summary.rows.find((r) => r.className === 'Session')?.count).toBe(250);
    // gzip;q=0 is a refusal.
    const plain = await rawGet(app.admin, '/debug/memory?download=snapshot', { authorization: basic, 'accept-encoding': 'gzip;q=0, identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
    expect(plain.body.subarray(0, 12).toString()).toBe('{"snapshot":');
  });

  it('shows exactly what the app made since a mark, with what holds it', async () => {
    const none = await call(app.admin, '/debug/memory?since=mark', { auth });
    expect(none.status).toBe(409);
    expect(none.text).toBe('no mark yet: POST ?mark first, then GET ?since=mark after the work to look at\n');
    const marked = await call(app.admin, '/debug/memory?mark', { auth, method: 'POST' });
    expect(marked.status).toBe(201);
    expect(JSON.parse(marked.text).markedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    // With no work since: little, and nothing of the request that asks (its socket, parser, URL).
    const idle = JSON.parse((await call(app.admin, '/debug/memory?since=mark&format=json&top=1000', { auth })).text);
    expect(idle.totals.count).toBeLessThan(30);
    for (const own of ['IncomingMessage', 'ServerResponse', 'Socket', 'URL', 'URLSearchParams', 'HTTPParser']) expect(row(idle, own), own).toBeUndefined();
    await login(app.app, 40);
    const response = await call(app.admin, '/debug/memory?since=mark&format=json', { auth });
    expect(response.status).toBe(200);
    const doc = JSON.parse(response.text);
    expect(doc.schema).toBe('heapdiff/memory-since@1');
    expect(row(doc, 'Session')).toMatchObject({ count: 40 });
    expect(row(doc, 'Session')!.retainerPath).toMatch(/sessions \(Map\) → table → \d+ → Session @\d+$/);
    const text = await call(app.admin, '/debug/memory?since=mark', { auth });
    expect(text.text).toMatch(/^heapdiff: alive and new since the mark of \S+, pid \d+/);
    expect(text.text).toMatch(/\nSession \(server\.mjs:\d+\) +40 /);
  });

  it('refuses bad queries with a line saying what to send', async () => {
    for (const top of ['0', '1e3', '0x10', '-1', '1001', ' 2'])
      expect(await call(app.admin, `/debug/memory?top=${encodeURIComponent(top)}`, { auth })).toMatchObject({ status: 400, text: 'top must be a whole number from 1 to 1000\n' });
    expect(await call(app.admin, '/debug/memory?format=xml', { auth })).toMatchObject({ status: 400, text: 'format takes "json" or "text"\n' });
    expect(await call(app.admin, '/debug/memory?download=yes', { auth })).toMatchObject({ status: 400, text: 'download takes "snapshot": ?download=snapshot\n' });
    expect(await call(app.admin, '/debug/memory?since=yesterday', { auth })).toMatchObject({ status: 400, text: 'since takes "mark": ?since=mark\n' });
  });
});

describe('the memory endpoint’s guard', () => {
  it('takes exactly one capture for 50 concurrent requests, all answered with it (default interval)', async () => {
    const app = await startExampleApp({ MIN_INTERVAL_MS: '10000' });
    try {
      const responses = await Promise.all(Array.from({ length: 50 }, () => call(app.admin, '/debug/memory?format=json', { auth })));
      expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
      const times = new Set(responses.map((r) => JSON.parse(r.text).capturedAt));
      expect(times.size).toBe(1);
      expect(await captures(app.admin)).toBe(1);
    } finally {
      await app.stop();
    }
  }, 60_000);

  it('within the minimum interval: the last summary again (with its age), a snapshot refused with Retry-After', async () => {
    const app = await startExampleApp({ MIN_INTERVAL_MS: '30000' });
    try {
      const first = await call(app.admin, '/debug/memory?format=json', { auth });
      expect(first.status).toBe(200);
      const again = await call(app.admin, '/debug/memory?format=json', { auth });
      expect(again.status).toBe(200);
      expect(JSON.parse(again.text).capturedAt).toBe(JSON.parse(first.text).capturedAt);
      expect(Number(again.headers.get('age'))).toBeGreaterThanOrEqual(0);
      const download = await call(app.admin, '/debug/memory?download=snapshot', { auth });
      expect(download.status).toBe(429);
      expect(Number(download.headers.get('retry-after'))).toBeGreaterThan(25);
      expect(download.text).toMatch(/^the last capture was less than 30000 ms ago: try again in \d+ s\n$/);
      expect(await captures(app.admin)).toBe(1);
    } finally {
      await app.stop();
    }
  }, 60_000);

  it('refuses with 503 when free memory is short, and 504 when the capture takes too long', async () => {
    const short = await startExampleApp({ MEMORY_FACTOR: '1000000' });
    try {
      const response = await call(short.admin, '/debug/memory', { auth });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).not.toBeNull();
      expect(response.text).toMatch(/^not enough free memory for a heap snapshot: \d+ MB available \((host|cgroup1|cgroup2|constrained)\), about \d+ MB needed\n$/);
    } finally {
      await short.stop();
    }
    const slow = await startExampleApp({ TIMEOUT_MS: '1' });
    try {
      const response = await call(slow.admin, '/debug/memory', { auth });
      expect(response.status).toBe(504);
      expect(response.text).toBe('the capture took longer than 1 ms: its result is dropped\n');
      // The capture still ends, and the endpoint answers again.
      const metrics = await call(slow.admin, '/metrics');
      expect(metrics.text).toMatch(/heapdiff_captures_total\{outcome="timeout"\} 1/);
    } finally {
      await slow.stop();
    }
  }, 60_000);
});

describe('snapshot downloads on disk', () => {
  it('go through a directory only the owner reads, removed after the download and when a client stops reading', async () => {
    const downloadDir = tempDir();
    const endpoint = memoryEndpoint({ auth, download: true, downloadDir, minInterval: 0, timeout: 3000 });
    const server = createServer((req, res) => endpoint(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      // A client that reads the headers, then stops reading.
      const stalled = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: '/?download=snapshot', headers: { authorization: basic } }, resolve).on('error', reject).end();
      });
      stalled.pause();
      const [dir] = readdirSync(downloadDir);
      expect(dir).toMatch(/^heapdiff-\w{6}$/);
      expect(statSync(join(downloadDir, dir!)).mode & 0o777).toBe(0o700);
      expect(statSync(join(downloadDir, dir!, 'heap.heapsnapshot')).mode & 0o777).toBe(0o600);
      // After the timeout (3 s) the response is dropped, and its file with it.
      const deadline = Date.now() + 10_000;
      while (readdirSync(downloadDir).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(readdirSync(downloadDir)).toEqual([]);
      stalled.destroy();
      // A complete download leaves nothing either (removed as the response ends).
      expect((await rawGet(port, '/?download=snapshot', { authorization: basic })).status).toBe(200);
      for (let i = 0; i < 50 && readdirSync(downloadDir).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(readdirSync(downloadDir)).toEqual([]);
    } finally {
      server.close();
    }
  }, 60_000);
});

describe('memoryEndpoint options', () => {
  it('refuses to be made without credentials, or with bad ones', () => {
    const make = (options: unknown) => () => memoryEndpoint(options as Parameters<typeof memoryEndpoint>[0]);
    expect(make(undefined)).toThrow('memoryEndpoint: takes options with credentials');
    expect(make({})).toThrow(/^memoryEndpoint: needs credentials \(\{ auth: \{ username, password \} \}\) or a check/);
    expect(make({ auth: { username: 'ops', password: '' } })).toThrow('memoryEndpoint: auth.username and auth.password must be non-empty strings');
    expect(make({ auth: { username: 'a:b', password: 'x' } })).toThrow('memoryEndpoint: auth.username cannot hold ":"');
    expect(make({ auth, top: 0 })).toThrow('memoryEndpoint: top must be a whole number from 1 to 1000, got 0');
    expect(make({ auth, minInterval: -1 })).toThrow('memoryEndpoint: minInterval must be a whole number from 0');
    expect(make({ auth, memoryFactor: Number.NaN })).toThrow('memoryEndpoint: memoryFactor must be a number from 0, got NaN');
    expect(make({ auth, download: 'false' })).toThrow('memoryEndpoint: download must be true or false, got "false"');
    expect(make({ auth, since: 'yes' })).toThrow('memoryEndpoint: since must be true, false or a mark made by markHeap(), got yes');
    expect(make({ auth, realm: '日本' })).toThrow('memoryEndpoint: realm must be 1 to 100 printable ASCII characters without quotes or backslashes, got "日本"');
    expect(make({ auth, realm: 'a"b' })).toThrow('memoryEndpoint: realm must be');
    expect(make({ auth, downloadDir: 5 })).toThrow("memoryEndpoint: downloadDir must be a directory's path, got 5");
    expect(make({ auth: (user: string, password: string) => user === 'a' && password === 'b' })).not.toThrow();
  });
});

/** The endpoint's successful captures so far, from the app's /metrics. */
async function captures(port: number): Promise<number> {
  const text = (await call(port, '/metrics')).text;
  const match = /^heapdiff_captures_total\{outcome="ok"\} (\d+)$/m.exec(text);
  return match ? Number(match[1]) : 0;
}
