import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS, call, startExampleApp, type ExampleApp } from '../helpers/example-app.js';

// A bounded load on the example app's memory endpoint over loopback: a fixed number of
// requests, no timing targets — only what must hold under load.

function metric(text: string, name: string): number {
  const match = new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : NaN;
}

async function capturesTaken(port: number): Promise<number> {
  const text = (await call(port, '/metrics')).text;
  return ['ok', 'timeout', 'refused', 'error'].reduce((sum, outcome) => sum + metric(text, `heapdiff_captures_total{outcome="${outcome}"}`), 0);
}

describe('the memory endpoint under load (autocannon, loopback)', () => {
  let app: ExampleApp;
  beforeAll(async () => {
    app = await startExampleApp({ MIN_INTERVAL_MS: '2000' });
  }, 60_000);
  afterAll(() => app?.stop());

  it('answers 10,000 requests with wrong credentials 401, takes no capture, and keeps its memory', async () => {
    const wrong = `Basic ${Buffer.from(`${CREDENTIALS.username}:not-the-password`).toString('base64')}`;
    const run = (amount: number) =>
      autocannon({ url: `http://127.0.0.1:${app.admin}/debug/memory?format=json`, amount, connections: 10, headers: { authorization: wrong } });
    await run(1000); // warm-up
    const before = metric((await call(app.admin, '/metrics')).text, 'heapdiff_rss_bytes');
    const result = await run(10_000);
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result['4xx']).toBe(10_000);
    expect(result['2xx']).toBe(0);
    expect(Object.keys(result.statusCodeStats ?? {})).toEqual(['401']);
    expect(await capturesTaken(app.admin)).toBe(0);
    const after = metric((await call(app.admin, '/metrics')).text, 'heapdiff_rss_bytes');
    expect(after - before).toBeLessThan(30e6);
  }, 120_000);

  it('serves 300 summary requests from 20 connections: every one answered, captures held to the interval', async () => {
    const started = Date.now();
    const result = await autocannon({
      url: `http://127.0.0.1:${app.admin}/debug/memory`,
      amount: 300,
      connections: 20,
      timeout: 60,
      headers: { authorization: `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')}` },
    });
    const seconds = (Date.now() - started) / 1000;
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result['2xx']).toBe(300);
    // At most one capture per 2 s interval (plus the first).
    const taken = await capturesTaken(app.admin);
    expect(taken).toBeGreaterThanOrEqual(1);
    expect(taken).toBeLessThanOrEqual(Math.floor(seconds / 2) + 1);
  }, 120_000);
});
