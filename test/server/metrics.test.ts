import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerMemoryInstruments } from '@heapdiff/core/opentelemetry';
import { registerMemoryMetrics } from '@heapdiff/core/prometheus';
import { MemoryPressureManager, rssAbove } from '@heapdiff/core/runtime';
import { CREDENTIALS, call, startExampleApp, type ExampleApp } from '../helpers/example-app.js';

// The memory metrics: in the example app's /metrics (prom-client), and through an in-memory
// OpenTelemetry reader in this process.

/** name{labels} → value, from Prometheus's text format. */
function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

describe('Prometheus metrics in the example app', () => {
  let app: ExampleApp;
  beforeAll(async () => {
    app = await startExampleApp();
  }, 60_000);
  afterAll(() => app?.stop());

  it('has every documented name with plausible values, and the endpoint’s last capture', async () => {
    expect((await call(app.admin, '/debug/memory', { auth: CREDENTIALS })).status).toBe(200);
    const response = await call(app.admin, '/metrics');
    const text = response.text;
    for (const [name, type] of [
      ['heapdiff_rss_bytes', 'gauge'],
      ['heapdiff_heap_used_bytes', 'gauge'],
      ['heapdiff_heap_total_bytes', 'gauge'],
      ['heapdiff_heap_limit_bytes', 'gauge'],
      ['heapdiff_external_bytes', 'gauge'],
      ['heapdiff_array_buffers_bytes', 'gauge'],
      ['heapdiff_heap_space_used_bytes', 'gauge'],
      ['heapdiff_heap_space_size_bytes', 'gauge'],
      ['heapdiff_heap_space_available_bytes', 'gauge'],
      ['heapdiff_gc_total', 'counter'],
      ['heapdiff_gc_pause_seconds_total', 'counter'],
      ['heapdiff_capture_last_timestamp_seconds', 'gauge'],
      ['heapdiff_capture_last_duration_seconds', 'gauge'],
      ['heapdiff_capture_last_success_timestamp_seconds', 'gauge'],
      ['heapdiff_captures_total', 'counter'],
      ['heapdiff_capture_busy_total', 'counter'],
    ]) {
      expect(text, name).toMatch(new RegExp(`^# TYPE ${name} ${type}$`, 'm'));
    }
    const m = parseMetrics(text);
    const rss = m.get('heapdiff_rss_bytes')!;
    expect(rss).toBeGreaterThan(10e6);
    expect(m.get('heapdiff_heap_used_bytes')).toBeLessThanOrEqual(m.get('heapdiff_heap_total_bytes')!);
    expect(m.get('heapdiff_heap_total_bytes')).toBeLessThan(m.get('heapdiff_heap_limit_bytes')!);
    expect(m.get('heapdiff_heap_space_used_bytes{space="old_space"}')).toBeGreaterThan(1e6);
    // The capture collected garbage: at least one major GC was seen.
    expect(m.get('heapdiff_gc_total{kind="major"}')).toBeGreaterThan(0);
    expect(m.get('heapdiff_gc_pause_seconds_total{kind="major"}')).toBeGreaterThan(0);
    expect(m.get('heapdiff_captures_total{outcome="ok"}')).toBe(1);
    expect(m.get('heapdiff_captures_total{outcome="refused"}')).toBe(0);
    const at = m.get('heapdiff_capture_last_timestamp_seconds')!;
    expect(Math.abs(at - Date.now() / 1000)).toBeLessThan(60);
    expect(m.get('heapdiff_capture_last_success_timestamp_seconds')).toBe(at);
    expect(m.get('heapdiff_capture_busy_total')).toBe(0);
    const seconds = m.get('heapdiff_capture_last_duration_seconds')!;
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(60);
    // prom-client's own default metrics sit beside them, under their own names.
    expect(m.get('process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});

describe('registerMemoryMetrics', () => {
  it('reports a pressure manager’s level, and removes what it registered', async () => {
    const registry = new Registry();
    const manager = new MemoryPressureManager({ levels: [rssAbove(1), rssAbove(2 ** 52)] });
    await manager.check();
    const registered = registerMemoryMetrics({ registry, pressure: manager, prefix: 'app_' });
    const m = parseMetrics(await registry.metrics());
    expect(m.get('app_memory_pressure_level')).toBe(1);
    expect(m.get('app_rss_bytes')).toBeGreaterThan(0);
    expect(registered.names).toContain('app_gc_total');
    registered.remove();
    expect((await registry.metrics()).trim()).toBe('');
    expect(() => registerMemoryMetrics({ registry, prefix: 'bad-prefix' })).toThrow('registerMemoryMetrics: prefix "bad-prefix" would make invalid metric names');
    expect(() => registerMemoryMetrics({ registry, pressure: {} as { level: number } })).toThrow('registerMemoryMetrics: pressure must have a numeric level (a MemoryPressureManager), got undefined');
    expect(() => registerMemoryMetrics({ registry, endpoint: {} as never })).toThrow('registerMemoryMetrics: endpoint must be a memoryEndpoint (it has captures)');
  });

  it('a name already taken: nothing half-registered; a source that fails later loses only its own figure', async () => {
    const registry = new Registry();
    const first = registerMemoryMetrics({ registry });
    expect(() => registerMemoryMetrics({ registry })).toThrow('A metric with the name heapdiff_rss_bytes has already been registered');
    first.remove();
    expect((await registry.metrics()).trim()).toBe('');
    let broken = false;
    const pressure = {
      get level(): number {
        if (broken) throw new Error('boom');
        return 1;
      },
    };
    const registered = registerMemoryMetrics({ registry, pressure });
    broken = true;
    const m = parseMetrics(await registry.metrics());
    expect(m.get('heapdiff_rss_bytes')).toBeGreaterThan(0);
    expect(m.get('heapdiff_memory_pressure_level')).toBeNaN();
    registered.remove();
  });
});

describe('registerMemoryInstruments (OpenTelemetry)', () => {
  it('reports the semantic-convention names with plausible values through an in-memory reader', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
    const provider = new MeterProvider({ readers: [reader] });
    const at = Date.now() - 5000;
    const endpoint = { captures: { last: { kind: 'summary' as const, at, durationMs: 250, outcome: 'ok' as const }, lastSuccessAt: at, counts: { ok: 3, timeout: 0, refused: 1, error: 0 }, busy: 7 } };
    const registered = registerMemoryInstruments({ meter: provider.getMeter('test'), pressure: { level: 2 }, endpoint });
    // Some garbage to collect, so that the GC histogram has entries.
    for (let i = 0; i < 50; i++) void new Array(100_000).fill(i);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await reader.forceFlush();
    const exported: ResourceMetrics[] = exporter.getMetrics();
    const metrics = exported.at(-1)!.scopeMetrics.flatMap((s) => s.metrics);
    const byName = new Map(metrics.map((m) => [m.descriptor.name, m]));
    for (const name of registered.names) expect(byName.has(name), name).toBe(true);
    const value = (name: string, attributes: Record<string, string> = {}): number => {
      const point = byName.get(name)!.dataPoints.find((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v));
      return point!.value as number;
    };
    expect(byName.get('process.memory.usage')!.descriptor.unit).toBe('By');
    expect(value('process.memory.usage')).toBeGreaterThan(10e6);
    expect(value('v8js.memory.heap.used', { 'v8js.heap.space.name': 'old_space' })).toBeGreaterThan(1e6);
    expect(value('v8js.memory.heap.limit', { 'v8js.heap.space.name': 'old_space' })).toBeGreaterThanOrEqual(value('v8js.memory.heap.used', { 'v8js.heap.space.name': 'old_space' }));
    expect(value('heapdiff.memory.heap.size_limit')).toBeGreaterThan(100e6);
    expect(value('heapdiff.memory.pressure.level')).toBe(2);
    expect(value('heapdiff.captures', { 'heapdiff.capture.outcome': 'ok' })).toBe(3);
    expect(value('heapdiff.capture.duration')).toBe(0.25);
    expect(value('heapdiff.capture.last_success_time')).toBe(at / 1000);
    expect(value('heapdiff.capture.busy')).toBe(7);
    const gc = byName.get('v8js.gc.duration')!;
    expect(gc.descriptor.unit).toBe('s');
    const minor = gc.dataPoints.find((p) => p.attributes['v8js.gc.type'] === 'minor');
    expect((minor?.value as { count: number } | undefined)?.count).toBeGreaterThan(0);
    // A second registration on the same meter would count every GC twice.
    expect(() => registerMemoryInstruments({ meter: provider.getMeter('test') })).toThrow('registerMemoryInstruments: already registered on this meter');
    registered.remove();
    await provider.shutdown();
  });
});
