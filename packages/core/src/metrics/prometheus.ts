import { Counter, Gauge, register, type Registry } from 'prom-client';
import type { CaptureStats } from '../server/capture-guard.js';
import { GC_KINDS, gcObserver } from './gc-stats.js';
import { memoryFigures, type MemoryFigures } from './memory-figures.js';

export interface PrometheusMemoryOptions {
  /** The registry to add the metrics to (default prom-client's global `register`). */
  readonly registry?: Registry;
  /** Prefix of every name (default `heapdiff_`: prom-client's own default metrics keep theirs). */
  readonly prefix?: string;
  /** A running `MemoryPressureManager`: its level is reported. */
  readonly pressure?: { readonly level: number };
  /** A `memoryEndpoint`: the time, duration and outcome of its last capture, and its captures by outcome. */
  readonly endpoint?: { readonly captures: CaptureStats };
}

/** What `registerMemoryMetrics` registered: `remove()` takes the metrics out and stops observing GC. */
export interface RegisteredMetrics {
  /** The names registered. */
  readonly names: readonly string[];
  remove(): void;
}

/**
 * Adds memory metrics to a prom-client registry, read at each scrape: RSS, the V8 heap (used,
 * total, limit, and per space), external memory, array buffers, garbage collections and their
 * pause time by kind, and optionally a pressure manager's level and a memory endpoint's
 * captures. Names follow Prometheus's conventions (`_bytes`, `_seconds`, `_total`).
 *
 * @example
 * import { Registry } from 'prom-client'
 * const registry = new Registry()
 * registerMemoryMetrics({ registry, endpoint: memory })
 * // GET /metrics: res.end(await registry.metrics())
 */
export function registerMemoryMetrics(options: PrometheusMemoryOptions = {}): RegisteredMetrics {
  const registry = options.registry ?? register;
  const p = options.prefix ?? 'heapdiff_';
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(`${p}x`)) throw new TypeError(`registerMemoryMetrics: prefix "${p}" would make invalid metric names`);
  const registers = [registry];
  const names: string[] = [];
  // One reading per scrape, shared by the gauges it fills.
  let figures: MemoryFigures | undefined;
  let readAt = 0;
  const read = (): MemoryFigures => {
    const now = Date.now();
    if (!figures || now - readAt > 100) {
      figures = memoryFigures();
      readAt = now;
    }
    return figures;
  };
  const gauge = (name: string, help: string, value: (f: MemoryFigures) => number): void => {
    names.push(p + name);
    new Gauge({ name: p + name, help, registers, collect() { this.set(value(read())); } });
  };
  gauge('rss_bytes', 'Resident set size of the process, in bytes.', (f) => f.rss);
  gauge('heap_used_bytes', 'V8 heap in use, in bytes.', (f) => f.heapUsed);
  gauge('heap_total_bytes', 'V8 heap allocated, in bytes.', (f) => f.heapTotal);
  gauge('heap_limit_bytes', 'V8 heap size limit, in bytes.', (f) => f.heapLimit);
  gauge('external_bytes', 'Memory of C++ objects bound to JavaScript objects (external), in bytes.', (f) => f.external);
  gauge('array_buffers_bytes', 'Memory of ArrayBuffers and SharedArrayBuffers (part of external), in bytes.', (f) => f.arrayBuffers);
  const spaceGauge = (name: string, help: string, value: (s: MemoryFigures['spaces'][number]) => number): void => {
    names.push(p + name);
    new Gauge({
      name: p + name,
      help,
      labelNames: ['space'],
      registers,
      collect() {
        for (const space of read().spaces) this.set({ space: space.space }, value(space));
      },
    });
  };
  spaceGauge('heap_space_used_bytes', 'V8 heap space in use, by space, in bytes.', (s) => s.used);
  spaceGauge('heap_space_size_bytes', 'V8 heap space size, by space, in bytes.', (s) => s.size);
  spaceGauge('heap_space_available_bytes', 'V8 heap space still available, by space, in bytes.', (s) => s.available);

  const stopGc = gcObserver.use();
  const gcCounter = (name: string, help: string, value: (kind: (typeof GC_KINDS)[number]) => number): void => {
    names.push(p + name);
    new Counter({
      name: p + name,
      help,
      labelNames: ['kind'],
      registers,
      collect() {
        this.reset();
        for (const kind of GC_KINDS) this.inc({ kind }, value(kind));
      },
    });
  };
  gcCounter('gc_total', 'Garbage collections since the metrics were registered, by kind (major, minor, incremental, weakcb).', (k) => gcObserver.totals.count[k]);
  gcCounter('gc_pause_seconds_total', 'Time paused in garbage collection since the metrics were registered, by kind, in seconds.', (k) => gcObserver.totals.seconds[k]);

  const pressure = options.pressure;
  if (pressure) gauge('memory_pressure_level', 'The memory pressure manager\'s level: 0 normal, higher is worse.', () => pressure.level);
  const endpoint = options.endpoint;
  if (endpoint) {
    const last = (name: string, help: string, value: (at: number, seconds: number) => number): void => {
      names.push(p + name);
      new Gauge({
        name: p + name,
        help,
        labelNames: ['kind', 'outcome'],
        registers,
        collect() {
          this.reset();
          const record = endpoint.captures.last;
          if (record) this.set({ kind: record.kind, outcome: record.outcome }, value(record.at / 1000, record.durationMs / 1000));
        },
      });
    };
    last('capture_last_timestamp_seconds', 'When the memory endpoint\'s last capture started (Unix time), with its kind and outcome.', (at) => at);
    last('capture_last_duration_seconds', 'How long the memory endpoint\'s last capture took, in seconds, with its kind and outcome.', (_at, seconds) => seconds);
    names.push(`${p}captures_total`);
    new Counter({
      name: `${p}captures_total`,
      help: 'The memory endpoint\'s captures by outcome (ok, timeout, refused for memory, error).',
      labelNames: ['outcome'],
      registers,
      collect() {
        this.reset();
        for (const [outcome, n] of Object.entries(endpoint.captures.counts)) this.inc({ outcome }, n);
      },
    });
  }
  let removed = false;
  return {
    names,
    remove() {
      if (removed) return;
      removed = true;
      for (const name of names) registry.removeSingleMetric(name);
      stopGc();
    },
  };
}
