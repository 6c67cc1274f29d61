import { metrics, ValueType, type Meter, type Observable } from '@opentelemetry/api';
import type { CaptureStats } from '../server/capture-guard.js';
import { gcObserver } from './gc-stats.js';
import { memoryFigures } from './memory-figures.js';

export interface OpenTelemetryMemoryOptions {
  /** The meter to create the instruments on (default `metrics.getMeter('heapdiff')` of the global provider). */
  readonly meter?: Meter;
  /** A running `MemoryPressureManager`: its level is reported. */
  readonly pressure?: { readonly level: number };
  /** A `memoryEndpoint`: its last capture's time, duration and outcome, and its captures by outcome. */
  readonly endpoint?: { readonly captures: CaptureStats };
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
  const level = pressure ? meter.createObservableGauge('heapdiff.memory.pressure.level', { valueType: ValueType.INT, description: 'The memory pressure manager\'s level: 0 normal, higher is worse.' }) : undefined;
  if (level) {
    observables.push(level);
    names.push('heapdiff.memory.pressure.level');
  }
  const endpoint = options.endpoint;
  const captureTime = endpoint ? meter.createObservableGauge('heapdiff.capture.time', { unit: 's', description: "When the memory endpoint's last capture started (Unix time)." }) : undefined;
  const captureDuration = endpoint ? meter.createObservableGauge('heapdiff.capture.duration', { unit: 's', description: "How long the memory endpoint's last capture took." }) : undefined;
  const captures = endpoint ? meter.createObservableCounter('heapdiff.captures', { valueType: ValueType.INT, description: "The memory endpoint's captures, by outcome." }) : undefined;
  if (captureTime && captureDuration && captures) {
    observables.push(captureTime, captureDuration, captures);
    names.push('heapdiff.capture.time', 'heapdiff.capture.duration', 'heapdiff.captures');
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
    if (level && pressure) result.observe(level, pressure.level);
    if (endpoint && captureTime && captureDuration && captures) {
      const stats = endpoint.captures;
      if (stats.last) {
        const attributes = { 'heapdiff.capture.kind': stats.last.kind, 'heapdiff.capture.outcome': stats.last.outcome };
        result.observe(captureTime, stats.last.at / 1000, attributes);
        result.observe(captureDuration, stats.last.durationMs / 1000, attributes);
      }
      for (const [outcome, n] of Object.entries(stats.counts)) result.observe(captures, n, { 'heapdiff.capture.outcome': outcome });
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
    },
  };
}

