/**
 * Names one analysis result kept on a graph, with its type. Each analysis module keeps its
 * key to itself, so only that module can compute — or be handed from a worker — its result.
 */
export class AnalysisKey<T> {
  declare readonly _value: T;
  constructor(readonly name: string) {}
}

/**
 * The results of the analyses of one graph (retainers, classes, shallow sizes, distances,
 * dominator tree, …): computed once, on first use or ahead of time on a worker thread, and
 * dropped with the graph. There is no other cache: no module-level maps keyed by graph.
 */
export class AnalysisCache {
  readonly #values = new Map<AnalysisKey<unknown>, unknown>();
  readonly #pending = new Map<AnalysisKey<unknown>, Promise<unknown>>();

  /** The result for `key`, computing it now if it is not there yet. */
  get<T>(key: AnalysisKey<T>, compute: () => T): T {
    if (this.#values.has(key)) return this.#values.get(key) as T;
    const value = compute();
    this.#values.set(key, value);
    return value;
  }

  /**
   * The result for `key`, computing it with `compute` (on a worker, say) if it is not there
   * yet; concurrent calls share one computation.
   */
  getAsync<T>(key: AnalysisKey<T>, compute: () => Promise<T>): Promise<T> {
    if (this.#values.has(key)) return Promise.resolve(this.#values.get(key) as T);
    let pending = this.#pending.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = compute().then(
        (value) => {
          this.#values.set(key, value);
          this.#pending.delete(key);
          return value;
        },
        (error: unknown) => {
          this.#pending.delete(key);
          throw error;
        },
      );
      this.#pending.set(key, pending);
    }
    return pending;
  }

  /** Whether the result for `key` is there. */
  has(key: AnalysisKey<unknown>): boolean {
    return this.#values.has(key);
  }

  /** Whether a computation started with `getAsync` (on a worker, say) is still running. */
  get busy(): boolean {
    return this.#pending.size > 0;
  }

  /**
   * The shared memory the results hold (typed arrays on a SharedArrayBuffer, as results or as
   * their fields): for a graph whose memory goes to another load.
   */
  sharedBuffers(): SharedArrayBuffer[] {
    const found: SharedArrayBuffer[] = [];
    const add = (value: unknown): void => {
      if (ArrayBuffer.isView(value) && value.buffer instanceof SharedArrayBuffer) found.push(value.buffer);
    };
    for (const value of this.#values.values()) {
      add(value);
      if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) Object.values(value).forEach(add);
    }
    return found;
  }

  /** Drops every result (the graph's memory is going to another load). */
  clear(): void {
    this.#values.clear();
  }

  /** Drops the result for `key` (a working state that a later analysis consumed). */
  delete(key: AnalysisKey<unknown>): void {
    this.#values.delete(key);
  }
}
