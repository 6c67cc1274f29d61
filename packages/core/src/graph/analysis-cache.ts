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
  /** For pending results a worker writes in place: a way to wait for them on this thread. */
  readonly #settlers = new Map<AnalysisKey<unknown>, () => unknown>();

  /**
   * The result for `key`, computing it now if it is not there yet — or, when a worker is
   * computing it (`getAsync` with `settle`), waiting for that worker on this thread.
   */
  get<T>(key: AnalysisKey<T>, compute: () => T): T {
    if (this.#values.has(key)) return this.#values.get(key) as T;
    const settled = this.#settle(key);
    if (settled !== undefined) return settled as T;
    const value = compute();
    this.#values.set(key, value);
    return value;
  }

  /**
   * The result for `key`, computing it with `compute` (on a worker, say) if it is not there
   * yet; concurrent calls share one computation. `settle`, for a result a worker writes in
   * place, waits for it on this thread (blocking) and returns it, or undefined when it cannot
   * (then `get` computes it here): so that synchronous users need not wait for the promise.
   * It is called only after `compute` has returned its promise.
   */
  getAsync<T>(key: AnalysisKey<T>, compute: () => Promise<T>, settle?: () => T | undefined): Promise<T> {
    if (this.#values.has(key)) return Promise.resolve(this.#values.get(key) as T);
    let pending = this.#pending.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = compute().then(
        (value) => {
          // (Unless `settle` took it already: the same result.)
          if (!this.#values.has(key)) this.#values.set(key, value);
          this.#pending.delete(key);
          this.#settlers.delete(key);
          return this.#values.get(key) as T;
        },
        (error: unknown) => {
          this.#pending.delete(key);
          this.#settlers.delete(key);
          if (this.#values.has(key)) return this.#values.get(key) as T;
          throw error;
        },
      );
      this.#pending.set(key, pending);
      if (settle) this.#settlers.set(key, settle);
    }
    return pending;
  }

  /** Waits here for the pending results that can be waited for (see `getAsync`'s `settle`). */
  settlePending(): void {
    for (const key of [...this.#settlers.keys()]) this.#settle(key);
  }

  #settle(key: AnalysisKey<unknown>): unknown {
    const settle = this.#settlers.get(key);
    if (!settle) return undefined;
    this.#settlers.delete(key);
    const value = settle();
    if (value === undefined) return undefined;
    this.#values.set(key, value);
    this.#pending.delete(key);
    return value;
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
