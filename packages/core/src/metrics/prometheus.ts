import { Counter, Gauge, register, type Registry } from 'prom-client';
import { gcObserver } from './gc-stats.js';
import { memoryFigures, type MemoryFigures } from './memory-figures.js';
import { checkSources, safely, type MetricSources } from './metric-sources.js';

export interface PrometheusMemoryOptions extends MetricSources {
  /** The registry to add the metrics to (default prom-client's global `register`). */
  readonly registry?: Registry;
  /** Prefix of every name (default `heapdiff_`: prom-client's own default metrics keep theirs). */
  readonly prefix?: string;
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
  if (typeof p !== 'string' || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(`${p}x`)) throw new TypeError(`registerMemoryMetrics: prefix "${String(p)}" would make invalid metric names`);
  checkSources('registerMemoryMetrics', options.pressure, options.endpoint);
  const registers = [registry];
  const names: string[] = [];
  const stopGc = gcObserver.use();
  const undo = (): void => {
    for (const name of names) registry.removeSingleMetric(name);
    stopGc();
  };
  try {
    addMetrics();
  } catch (error) {
    // A name already taken half-way: nothing of this registration stays behind.
    undo();
    throw error;
  }
  let removed = false;
  return {
    names,
    remove() {
      if (removed) return;
      removed = true;
      undo();
    },
  };

  function addMetrics(): void {
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
    const gauge = (name: string, help: string, value: () => number | undefined): void => {
      new Gauge({
        name: p + name,
        help,
        registers,
        collect() {
          // Unknown (a source that failed, nothing captured yet): NaN, Prometheus's "no value".
          this.set(value() ?? Number.NaN);
        },
      });
      names.push(p + name);
    };
    gauge('rss_bytes', 'Resident set size of the process, in bytes.', () => read().rss);
    gauge('heap_used_bytes', 'V8 heap in use, in bytes.', () => read().heapUsed);
    gauge('heap_total_bytes', 'V8 heap allocated, in bytes.', () => read().heapTotal);
    gauge('heap_limit_bytes', 'V8 heap size limit, in bytes.', () => read().heapLimit);
    gauge('external_bytes', 'Memory of C++ objects bound to JavaScript objects (external), in bytes.', () => read().external);
    gauge('array_buffers_bytes', 'Memory of ArrayBuffers and SharedArrayBuffers (part of external), in bytes.', () => read().arrayBuffers);
    const spaceGauge = (name: string, help: string, value: (s: MemoryFigures['spaces'][number]) => number): void => {
      new Gauge({
        name: p + name,
        help,
        labelNames: ['space'],
        registers,
        collect() {
          for (const space of read().spaces) this.set({ space: space.space }, value(space));
        },
      });
      names.push(p + name);
    };
    spaceGauge('heap_space_used_bytes', 'V8 heap space in use, by space, in bytes.', (s) => s.used);
    spaceGauge('heap_space_size_bytes', 'V8 heap space size, by space, in bytes.', (s) => s.size);
    spaceGauge('heap_space_available_bytes', 'V8 heap space still available, by space, in bytes.', (s) => s.available);
    const counter = (name: string, help: string, label: string, values: () => Readonly<Record<string, number>> | undefined): void => {
      new Counter({
        name: p + name,
        help,
        labelNames: [label],
        registers,
        collect() {
          this.reset();
          for (const [key, n] of Object.entries(values() ?? {})) this.inc({ [label]: key }, n);
        },
      });
      names.push(p + name);
    };
    counter('gc_total', 'Garbage collections seen since heapdiff began observing them in this process, by kind (major, minor, incremental, weakcb); a memory endpoint\'s captures add some.', 'kind', () => gcObserver.totals.count);
    counter('gc_pause_seconds_total', 'Time paused in those garbage collections, by kind, in seconds.', 'kind', () => gcObserver.totals.seconds);

    const pressure = options.pressure;
    if (pressure) gauge('memory_pressure_level', "The memory pressure manager's level: 0 normal, higher is worse.", () => safely(() => pressure.level));
    const endpoint = options.endpoint;
    if (endpoint) {
      const stats = () => {
        try {
          return endpoint.captures;
        } catch {
          return undefined;
        }
      };
      gauge('capture_last_timestamp_seconds', "When the memory endpoint's last capture started (Unix time), whatever its outcome.", () => {
        const at = stats()?.last?.at;
        return at === undefined ? undefined : at / 1000;
      });
      gauge('capture_last_duration_seconds', "How long the memory endpoint's last capture took, in seconds.", () => {
        const ms = stats()?.last?.durationMs;
        return ms === undefined ? undefined : ms / 1000;
      });
      gauge('capture_last_success_timestamp_seconds', "When the memory endpoint's last successful capture started (Unix time).", () => {
        const at = stats()?.lastSuccessAt;
        return at === undefined ? undefined : at / 1000;
      });
      counter('captures_total', "The memory endpoint's captures by outcome (ok, timeout, refused for memory, error).", 'outcome', () => stats()?.counts);
      new Counter({
        name: `${p}capture_busy_total`,
        help: 'Requests the memory endpoint turned away (429) because a capture was under way or too recent.',
        registers,
        collect() {
          this.reset();
          this.inc(stats()?.busy ?? 0);
        },
      });
      names.push(`${p}capture_busy_total`);
    }
  }
}
