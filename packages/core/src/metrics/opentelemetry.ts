import { metrics, ValueType, type Meter, type Observable } from '@opentelemetry/api';
import type { CaptureStats } from '../server/capture-guard.js';
import { gcObserver } from './gc-stats.js';
import { memoryFigures } from './memory-figures.js';
import { checkSources, safely, type MetricSources } from './metric-sources.js';

const registeredMeters = new WeakSet<Meter>();

export interface OpenTelemetryMemoryOptions extends MetricSources {
  /** The meter to create the instruments on (default `metrics.getMeter('heapdiff')` of the global provider). */
  readonly meter?: Meter;
}

export interface RegisteredInstruments {
  /** The instruments' names. */
  readonly names: readonly string[];
  /** Stops reporting (observations and GC recording). */
  remove(): void;
}

/**
 * Reports memory through OpenTelemetry, so any exporter (OTLP, Prometheus, DataDog's) ships it.
 * Names follow the semantic conventions where they exist — `process.memory.usage` (RSS),
 * `v8js.memory.heap.used`, `v8js.memory.heap.limit`, `v8js.memory.heap.space.available_size` and
 * `v8js.memory.heap.space.physical_size` per `v8js.heap.space.name`, the histogram
 * `v8js.gc.duration` by `v8js.gc.type` — and `heapdiff.*` for the rest: the heap's size limit,
 * external memory, array buffers, the pressure level, the memory endpoint's captures.
 *
 * @example
 * import { metrics } from '@opentelemetry/api'
 * registerMemoryInstruments({ meter: metrics.getMeter('my-app'), endpoint: memory })
 */
export function registerMemoryInstruments(options: OpenTelemetryMemoryOptions = {}): RegisteredInstruments {
  const meter = options.meter ?? metrics.getMeter('heapdiff');
  checkSources('registerMemoryInstruments', options.pressure, options.endpoint);
  // Twice on one meter would record every collection twice into the one GC histogram.
  if (registeredMeters.has(meter)) throw new TypeError('registerMemoryInstruments: already registered on this meter (remove() the first registration, or use another meter)');
  registeredMeters.add(meter);
  const bytes = { unit: 'By', valueType: ValueType.INT };
  const rss = meter.createObservableUpDownCounter('process.memory.usage', { ...bytes, description: 'The amount of physical memory in use (RSS).' });
  const heapUsed = meter.createObservableUpDownCounter('v8js.memory.heap.used', { ...bytes, description: 'Heap memory in use, by heap space.' });
  const heapSpaceSize = meter.createObservableUpDownCounter('v8js.memory.heap.limit', { ...bytes, description: 'Heap memory allocated, by heap space.' });
  const available = meter.createObservableUpDownCounter('v8js.memory.heap.space.available_size', { ...bytes, description: 'Heap space available, by heap space.' });
  const physical = meter.createObservableUpDownCounter('v8js.memory.heap.space.physical_size', { ...bytes, description: 'Committed size of a heap space.' });
  const heapLimit = meter.createObservableUpDownCounter('heapdiff.memory.heap.size_limit', { ...bytes, description: "V8's heap size limit." });
  const external = meter.createObservableUpDownCounter('heapdiff.memory.external', { ...bytes, description: 'Memory of C++ objects bound to JavaScript objects.' });
  const arrayBuffers = meter.createObservableUpDownCounter('heapdiff.memory.array_buffers', { ...bytes, description: 'Memory of ArrayBuffers and SharedArrayBuffers (part of external).' });
  const observables: Observable[] = [rss, heapUsed, heapSpaceSize, available, physical, heapLimit, external, arrayBuffers];
  const names = ['process.memory.usage', 'v8js.memory.heap.used', 'v8js.memory.heap.limit', 'v8js.memory.heap.space.available_size', 'v8js.memory.heap.space.physical_size', 'heapdiff.memory.heap.size_limit', 'heapdiff.memory.external', 'heapdiff.memory.array_buffers', 'v8js.gc.duration'];

  const gc = meter.createHistogram('v8js.gc.duration', { unit: 's', description: 'Garbage collection duration.', advice: { explicitBucketBoundaries: [0.01, 0.1, 1, 10] } });
  const stopGc = gcObserver.use((kind, seconds) => gc.record(seconds, { 'v8js.gc.type': kind }));

  const pressure = options.pressure;
  const level = pressure ? meter.createObservableGauge('heapdiff.memory.pressure.level', { valueType: ValueType.INT, description: "The memory pressure manager's level: 0 normal, higher is worse." }) : undefined;
  if (level) {
    observables.push(level);
    names.push('heapdiff.memory.pressure.level');
  }
  const endpoint = options.endpoint;
  const capture = endpoint
    ? {
        time: meter.createObservableGauge('heapdiff.capture.time', { unit: 's', description: "When the memory endpoint's last capture started (Unix time), whatever its outcome." }),
        duration: meter.createObservableGauge('heapdiff.capture.duration', { unit: 's', description: "How long the memory endpoint's last capture took." }),
        success: meter.createObservableGauge('heapdiff.capture.last_success_time', { unit: 's', description: "When the memory endpoint's last successful capture started (Unix time)." }),
        count: meter.createObservableCounter('heapdiff.captures', { valueType: ValueType.INT, description: "The memory endpoint's captures, by heapdiff.capture.outcome." }),
        busy: meter.createObservableCounter('heapdiff.capture.busy', { valueType: ValueType.INT, description: 'Requests the memory endpoint turned away (429): a capture under way or too recent.' }),
      }
    : undefined;
  if (capture) {
    observables.push(capture.time, capture.duration, capture.success, capture.count, capture.busy);
    names.push('heapdiff.capture.time', 'heapdiff.capture.duration', 'heapdiff.capture.last_success_time', 'heapdiff.captures', 'heapdiff.capture.busy');
  }

  const observe = (result: { observe(observable: Observable, value: number, attributes?: Record<string, string>): void }): void => {
    const f = memoryFigures();
    result.observe(rss, f.rss);
    result.observe(heapLimit, f.heapLimit);
    result.observe(external, f.external);
    result.observe(arrayBuffers, f.arrayBuffers);
    for (const space of f.spaces) {
      const attributes = { 'v8js.heap.space.name': space.space };
      result.observe(heapUsed, space.used, attributes);
      result.observe(heapSpaceSize, space.size, attributes);
      result.observe(available, space.available, attributes);
      result.observe(physical, space.physical, attributes);
    }
    // What user code gives is read so that a failure there loses only its own figure.
    if (level && pressure) {
      const value = safely(() => pressure.level);
      if (value !== undefined) result.observe(level, value);
    }
    if (endpoint && capture) {
      let stats: CaptureStats | undefined;
      try {
        stats = endpoint.captures;
      } catch {
        stats = undefined;
      }
      if (stats?.last) {
        result.observe(capture.time, stats.last.at / 1000);
        result.observe(capture.duration, stats.last.durationMs / 1000);
      }
      if (stats?.lastSuccessAt !== undefined) result.observe(capture.success, stats.lastSuccessAt / 1000);
      for (const [outcome, n] of Object.entries(stats?.counts ?? {})) result.observe(capture.count, n, { 'heapdiff.capture.outcome': outcome });
      if (stats) result.observe(capture.busy, stats.busy);
    }
  };
  meter.addBatchObservableCallback(observe, observables);
  let removed = false;
  return {
    names,
    remove() {
      if (removed) return;
      removed = true;
      meter.removeBatchObservableCallback(observe, observables);
      stopGc();
      registeredMeters.delete(meter);
    },
  };
}

