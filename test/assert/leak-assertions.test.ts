import '@heapdiff/core/vitest';
import { AssertionError } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assertNoLeak, checkForLeaks, describeLeaks, retainedSizeOf, trackCollection } from '@heapdiff/core/assert';
import { takeSnapshot } from '@heapdiff/core/capture';
import { analyzeGraph, dominatorTree } from '@heapdiff/core';
import { describe, expect, it } from 'vitest';
import { scenarios } from '../fixtures/programs/leaks/scenarios.mjs';
import { tempDir } from '../helpers/fixtures.js';
import { runCli } from '../helpers/run-cli.js';

// The leak assertions in this very vitest worker, as a user's suite runs them: each kind of
// leak fails naming its class first; each twin that keeps a bounded amount, or nothing, passes.
const scenarioOf = (name: string): (() => unknown) => {
  const made = scenarios[name]!.make();
  let i = 0;
  return () => made.iteration(i++);
};

describe('not.toLeak(): each kind of leak fails, naming its class first', () => {
  for (const name of ['listener', 'map-cache', 'interval', 'pending-promises', 'closure-context', 'owner-children']) {
    const leaks = scenarios[name]!.leaks!;
    it(`${name}: ${leaks}`, async () => {
      const scenario = scenarioOf(name);
      const failure = await expect(scenario).not.toLeak().then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failure, 'the assertion must fail').toBeInstanceOf(Error);
      // The first leak told is the scenario's class, with what each iteration keeps and its path.
      expect(failure!.message).toMatch(new RegExp(`^\\s+leak: ${leaks} \\(scenarios\\.mjs:\\d+\\) ×1 kept per iteration \\(\\d+ after 10 iterations\\), retains [\\d.]+ k?B$`, 'm'));
      expect(failure!.message.split('\n').find((line) => line.includes('leak:'))).toContain(`leak: ${leaks} `);
      expect(failure!.message).toMatch(/^\s+held: .+ → .+ @\d+$/m);
    });
  }

  it('a leak kept in a local of the test itself', async () => {
    class Row {
      constructor(readonly n: number) {}
    }
    const rows: Row[] = [];
    const verdict = await checkForLeaks(() => rows.push(new Row(rows.length)));
    expect(verdict.leaks.map((l) => l.className)).toEqual(['Row']);
    expect(verdict.leaks[0]).toMatchObject({ count: 10, byHalf: [5, 5], perIteration: 1 });
    expect(verdict.leaks[0]!.retainerPath).toMatch(/rows \(Array\) → \[\d+\] → Row @\d+$/);
  });

  it("a leak kept by a local of the test that the scenario closes over: the path starts at the test, not in vitest's state, at the lines of the file as written", async () => {
    class Row { constructor(readonly n: number) {} } // marker: the class
    const rows: Row[] = [];
    const failure = await expect(() => rows.push(new Row(rows.length))).not.toLeak().then(
      () => undefined, // marker: a callback that holds the test's locals
      (error: unknown) => error as Error, // marker: the other callback
    );
    expect(failure, 'the assertion must fail').toBeInstanceOf(Error);
    // vitest's expect() keeps the scenario in its assertion object and tracks the check's promise,
    // which its worker state reaches first: the path goes around them, to the test's own frame
    // that holds `rows` too (here a callback hung on the check's promise, sharing the test's context).
    const held = failure!.message.split('\n').find((line) => line.trim().startsWith('held:'))!;
    expect(held).not.toMatch(/__vitest_worker__|Assertion/);
    // Lines of the file as written, though vitest transpiled it (its module runner has the map).
    const source = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
    const lineOf = (marker: string): number => source.findIndex((line) => line.includes(`// marker: ${marker}`)) + 1;
    expect(failure!.message).toContain(`leak: Row (leak-assertions.test.ts:${lineOf('the class')}) ×1 kept per iteration`);
    const callbacks = `(${lineOf('a callback that holds')}|${lineOf('the other callback')})`;
    expect(held).toMatch(new RegExp(`held: \\(anonymous\\) \\(callback\\) leak-assertions\\.test\\.ts:${callbacks} → context \\(system / Context\\) → rows \\(Array\\) → \\[\\d+\\] → Row @\\d+$`));
  });

  it('with allocation tracking: where they were allocated', async () => {
    const verdict = await checkForLeaks(scenarioOf('owner-children'), { trackAllocations: true });
    expect(verdict.leaks[0]!.className).toBe('Session');
    expect(verdict.leaks[0]!.allocationStacks?.[0]?.frames[0]).toMatchObject({ functionName: 'iteration', scriptName: expect.stringMatching(/scenarios\.mjs$/) });
  });
});

describe('not.toLeak(): the twins pass', () => {
  class LruEntry {
    constructor(readonly key: string) {}
  }
  const lru = (bound: number) => {
    const entries = new Map<string, LruEntry>();
    let i = 0;
    return () => {
      const key = `k${i++}`;
      entries.set(key, new LruEntry(key));
      if (entries.size > bound) entries.delete(entries.keys().next().value!);
    };
  };
  it('a bounded cache (its bound under half the iterations)', async () => {
    await expect(lru(3)).not.toLeak();
  });
  for (const name of ['pool', 'singleton', 'weakmap', 'garbage']) {
    it(name, async () => {
      await expect(scenarioOf(name)).not.toLeak();
    });
  }
  it('an async scenario that allocates and lets go', async () => {
    await expect(async () => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      return JSON.parse(JSON.stringify({ list: [1, 2, 3] })) as unknown;
    }).not.toLeak();
  });
});

describe('the quick count: a passing check takes no snapshot', () => {
  it('a twin passes on object counts alone; a leak is counted, then named from snapshots', async () => {
    const passing = await checkForLeaks(scenarioOf('garbage'));
    expect(passing.heap).toBeUndefined();
    expect(passing.quick).toMatchObject({ grew: false });
    expect(passing.quick!.objects[1]! - passing.quick!.objects[0]!).toBeLessThan(5);
    const leaking = await checkForLeaks(scenarioOf('owner-children'));
    expect(leaking.quick?.grew).toBe(true);
    // Each run keeps a Session, its Cart, the cart's items array and two CartItems, and a user object.
    expect(leaking.quick!.objects[1]! - leaking.quick!.objects[0]!).toBeGreaterThanOrEqual(5 * 6);
    expect(leaking.heap).toBeDefined();
    expect(leaking.leaks[0]!.className).toBe('Session');
  });
  it('a leak allocated together with a temporary in optimised code is counted (no allocation sampling: V8 folds the two into one allocation)', async () => {
    // Recording allocations with V8's sampling heap profiler, even at a one-byte interval,
    // misses this: TurboFan folds the Context and the Response into one allocation, sampled
    // once, for the Context, which dies. Counting live objects sees the Response.
    class Context {
      constructor(readonly id: number) {}
    }
    class Response {
      readonly status = 200;
      constructor(readonly id: number) {}
    }
    const recent = new Map<number, Context>();
    const served: Response[] = [];
    const handle = (id: number): Response => {
      const context = new Context(id);
      const response = new Response(id);
      recent.set(id & 7, context);
      return response;
    };
    const scenario = (): void => {
      for (let i = 0; i < 3000; i++) {
        const response = handle(i);
        if (i === 2999) served.push(response);
      }
    };
    const verdict = await checkForLeaks(scenario);
    expect(verdict.leaks.map((l) => l.className)).toContain('Response');
  });
  it('exact: the snapshots always', async () => {
    const verdict = await checkForLeaks(scenarioOf('garbage'), { exact: true });
    expect(verdict.quick).toBeUndefined();
    expect(verdict.heap).toMatchObject({ groups: [] });
  });
  it('a leak of strings alone: passes the quick count below a megabyte, found with exact', async () => {
    const log: string[] = [];
    const scenario = () => log.push(`line ${log.length} ${'x'.repeat(100)}`);
    expect((await checkForLeaks(scenario)).leaks).toEqual([]);
    const exact = await checkForLeaks(scenario, { exact: true });
    expect(exact.leaks.map((l) => l.className)).toContain('(string)');
  });
});

describe('keepSnapshots: a failing check keeps the snapshots that named the leak', () => {
  // Held by the module: `heapdiff leaks` reads a snapshot from its GC roots, where a test's
  // waiting frame (the relative heap's way in) does not show.
  const held = scenarioOf('owner-children');
  it('says how to open them, and heapdiff leaks finds the same class in them', async () => {
    const dir = tempDir();
    const verdict = await checkForLeaks(held, { keepSnapshots: dir });
    expect(verdict.snapshots).toHaveLength(3);
    for (const file of verdict.snapshots!) expect(existsSync(file) && file.startsWith(dir)).toBe(true);
    expect(describeLeaks(verdict)).toContain(`snapshots kept: heapdiff leaks ${verdict.snapshots!.join(' ')}`);
    const cli = await runCli(['leaks', ...verdict.snapshots!, '--json'], { timeoutMs: 120_000 });
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(1);
    expect((JSON.parse(cli.stdout) as { leaks: { name: string }[] }).leaks[0]!.name).toBe('Session');
  });
  it('a passing check keeps nothing', async () => {
    const dir = tempDir();
    const verdict = await checkForLeaks(scenarioOf('garbage'), { keepSnapshots: dir, exact: true });
    expect(verdict.snapshots).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
  });
  it("a bounded cache of new strings passes: the snapshots' own file names are not counted as kept", async () => {
    // The names were joined strings, flattened — made anew — when the middle snapshot was
    // written: with the cache's strings they made "(string)" grow in both halves.
    const recent = new Map<string, string>();
    let n = 0;
    const handle = (): void => {
      recent.set(`req-${n}`, `body-${n++}`);
      if (recent.size > 3) recent.delete(recent.keys().next().value!);
    };
    const verdict = await checkForLeaks(handle, { exact: true, keepSnapshots: tempDir() });
    expect(verdict.leaks.map((l) => `${l.className} ${l.retainerPath}`)).toEqual([]);
  });
});

describe('assertNoLeak', () => {
  it('throws an AssertionError naming the class, for runners without expect', async () => {
    const kept: object[] = [];
    class Handle {}
    const error = await assertNoLeak(() => kept.push(new Handle())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssertionError);
    expect((error as AssertionError).message).toMatch(/^the scenario leaks: a class grows with the iterations/);
    expect((error as AssertionError).message).toContain('leak: Handle (leak-assertions.test.ts:');
  });
  it('resolves with the verdict when nothing grows', async () => {
    const verdict = await assertNoLeak(() => [1, 2, 3].map(String), { iterations: 4, warmup: 1 });
    expect(verdict).toMatchObject({ leaks: [], iterations: 4, warmup: 1 });
  });
  it('refuses what it cannot run, saying what it got', async () => {
    await expect(assertNoLeak('x' as unknown as () => void)).rejects.toThrow('checkForLeaks: the scenario must be a function (sync or async), got "x"');
    await expect(assertNoLeak(() => {}, { iterations: 1 })).rejects.toThrow('leak check: iterations must be a whole number from 2, got 1');
    await expect(assertNoLeak(() => {}, { ignore: 'Foo' as unknown as string[] })).rejects.toThrow('leak check: ignore must be an array of strings or RegExps, got "Foo"');
    await expect(assertNoLeak(() => {}, { thresholds: { bytes: -1 } })).rejects.toThrow('leak check: thresholds.bytes must be a number from 0, got -1');
    await expect(assertNoLeak(() => {}, { ignore: [''] })).rejects.toThrow('leak check: ignore must hold class names (non-empty strings) or RegExps, found ""');
    await expect(assertNoLeak(() => {}, { ignore: [/(?:)/] })).rejects.toThrow('leak check: ignore /(?:)/ matches an empty text, so every class');
    await expect(assertNoLeak(() => {}, { iteration: 3 } as never)).rejects.toThrow('leak check: unknown option "iteration"; the options are iterations, warmup, ignore, thresholds, trackAllocations, exact, keepSnapshots');
    await expect(assertNoLeak(() => {}, { keepSnapshots: 3 } as never)).rejects.toThrow('leak check: keepSnapshots must be a directory or true, got 3');
    await expect(assertNoLeak(() => {}, { thresholds: null } as never)).rejects.toThrow('leak check: thresholds must be an object ({ count, bytes }), got null');
    await expect(assertNoLeak(class Job {} as never)).rejects.toThrow('checkForLeaks: the scenario is a class (Job); pass a function that runs the work, () => new Job(…)');
    await expect(assertNoLeak(Promise.resolve() as never)).rejects.toThrow('(a promise runs once: pass the function that makes it, () => handle())');
  });
  it('a check inside a scenario is refused, not a deadlock; the next check runs', async () => {
    const inner = await checkForLeaks(() => checkForLeaks(() => {})).catch((e: unknown) => e as Error);
    expect((inner as Error).message).toBe('checkForLeaks: cannot run inside the scenario of checkForLeaks (it would wait for that check to end, which waits for the scenario); run it before or after');
    const size = await retainedSizeOf({ a: 1 });
    expect(size.retainedSize).toBeGreaterThan(0);
  });
  it('a scenario that throws with allocation tracking on: the error, and tracking ended', async () => {
    let runs = 0;
    await expect(checkForLeaks(() => {
      if (++runs === 5) throw new Error('the scenario failed');
    }, { trackAllocations: true, exact: true })).rejects.toThrow('the scenario failed');
    // Tracking is off again: a plain check passes on its quick count.
    await expect(checkForLeaks(() => [1].map(String))).resolves.toMatchObject({ leaks: [] });
  });
  it('ignore and thresholds leave a leak out', async () => {
    const kept: object[] = [];
    class Noted {}
    await assertNoLeak(() => kept.push(new Noted()), { ignore: ['Noted'] });
    await assertNoLeak(() => kept.push(new Noted()), { ignore: [/kept \(Array\)/] });
    // A name is a whole class name: 'Array' does not leave out what an array holds.
    await expect(assertNoLeak(() => kept.push(new Noted()), { ignore: ['Array', 'Note'] })).rejects.toThrow(/leak: Noted/);
    await assertNoLeak(() => kept.push(new Noted()), { thresholds: { count: 2 } });
  });
});

const moduleHeld: object[] = [];

describe('toBeCollected()', () => {
  it('passes for an object nothing holds any more', async () => {
    let session: object | undefined = { id: 1, payload: new Array(100).fill(0) };
    const tracker = trackCollection(session, 'the session');
    session = undefined;
    await expect(tracker).toBeCollected();
  });
  it('fails for one a local of the test holds, naming no weak-ref bookkeeping of its own', async () => {
    const local = { id: 2 };
    const error = await expect(trackCollection(local)).toBeCollected().then(() => undefined, (e: unknown) => e as Error);
    expect(error!.message).toMatch(/^expected an Object to be collected, but it is still alive, held by:\n/);
    expect(error!.message).not.toContain('weak_refs_keep_during_job');
    expect(local.id).toBe(2);
  });
  it('fails for one kept in a module-level array, naming what holds it', async () => {
    class Connection {
      constructor(readonly id: number) {}
    }
    const connection = new Connection(7);
    moduleHeld.push(connection);
    const tracker = trackCollection(connection);
    const error = await expect(tracker).toBeCollected().then(() => undefined, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    // (vitest runs a test file as a function of its module runner: the array is a slot of its context.)
    expect(error!.message).toMatch(/^expected a Connection to be collected, but it is still alive, held by:\n {2}.* \(Array\) → \[0\] → Connection @\d+$/);
    moduleHeld.length = 0;
  });
});

describe('retainedSizeOf()', () => {
  it("equals the dominator tree's retained size of the same object in a snapshot", async () => {
    const owner = { rows: Array.from({ length: 1000 }, (_, i) => ({ i, text: `row ${i}` })) };
    const size = await retainedSizeOf(owner);
    expect(size.retainedSize).toBeGreaterThan(1000 * 16);
    const graph = await takeSnapshot();
    await analyzeGraph(graph);
    const node = graph.ordinalOfId(size.id);
    expect(node).toBeGreaterThanOrEqual(0);
    expect(dominatorTree(graph).retainedSizes[node]).toBe(size.retainedSize);
    expect(owner.rows.length).toBe(1000);
    await expect(owner).toRetainAtMost(size.retainedSize);
    await expect(expect(owner).toRetainAtMost(100)).rejects.toThrow(/to retain at most 100 B, it retains/);
  });
});
