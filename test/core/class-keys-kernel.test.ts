import { describe, expect, it } from 'vitest';
import { locatedKeysKernel, nameKeysKernel } from '../../packages/core/src/kernels/class-keys-kernel.js';

/** A random generator with a seed, for tests that must fail the same way twice. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
}

describe('class-keys kernels', () => {
  it('locatedKeysKernel: one key per (class key, script, line, column), numbered by first use — thousands of places (the table grows) and runs of one place', () => {
    const next = random(7);
    const nodeCount = 50_000;
    // Two fields per node: type, then anything; type 3 is `object`.
    const nodes = new Uint32Array(nodeCount * 2);
    for (let n = 0; n < nodeCount; n++) nodes[2 * n] = next() < 0.9 ? 3 : 1;
    const baseKeys = new Uint32Array(nodeCount);
    for (let n = 0; n < nodeCount; n++) baseKeys[n] = Math.floor(next() * 40);
    // Records of 4: object_index (node × 5: the file has 5 fields a node), script, line, column.
    const records: number[] = [];
    for (let n = 0; n < nodeCount; n++) {
      const run = next() < 0.3 && records.length > 0;
      const [script, line, column] = run ? records.slice(-3) : [Math.floor(next() * 30), Math.floor(next() * 200) - 1, Math.floor(next() * 3) - 1];
      records.push(n * 5, script!, line!, column!);
    }
    const locations = Int32Array.from(records);
    const keyOf = baseKeys.slice();
    const firstKey = 1000;
    const places = locatedKeysKernel(locations, { stride: 4, objectAt: 0, scriptAt: 1, lineAt: 2, columnAt: 3, fileNodeFields: 5, nodeFieldCount: 2, typeOffset: 0, objectType: 3, firstKey }, nodes, keyOf);
    // The same with a Map of texts.
    const expected = baseKeys.slice();
    const byText = new Map<string, number>();
    const order: number[] = [];
    for (let i = 0; i < locations.length; i += 4) {
      const n = locations[i]! / 5;
      if (nodes[2 * n] !== 3) continue;
      const text = `${baseKeys[n]},${locations[i + 1]},${locations[i + 2]},${locations[i + 3]}`;
      let place = byText.get(text);
      if (place === undefined) {
        byText.set(text, (place = byText.size));
        order.push(baseKeys[n]!, locations[i + 1]!, locations[i + 2]!, locations[i + 3]!);
      }
      expected[n] = firstKey + place;
    }
    expect(byText.size).toBeGreaterThan(5000);
    expect(Array.from(keyOf)).toEqual(Array.from(expected));
    expect(Array.from(places)).toEqual(order);
  });

  it('locatedKeysKernel: places that differ only past 32 bits (a Float64Array of locations) are told apart', () => {
    const count = 5000;
    const nodes = new Uint32Array(2 * count).fill(3);
    const records: number[] = [];
    // Lines k·2^32 and columns -0 / 0: one place per line (-0 and 0 are one column).
    for (let k = 0; k < count; k++) records.push(k * 5, 1, (k >> 1) * 2 ** 32, k % 2 === 0 ? -0 : 0);
    const keyOf = new Uint32Array(count);
    const places = locatedKeysKernel(Float64Array.from(records), { stride: 4, objectAt: 0, scriptAt: 1, lineAt: 2, columnAt: 3, fileNodeFields: 5, nodeFieldCount: 2, typeOffset: 0, objectType: 3, firstKey: 0 }, nodes, keyOf);
    expect(places.length / 4).toBe(count / 2);
    expect(Array.from(keyOf)).toEqual(Array.from({ length: count }, (_, k) => k >> 1));
  });

  it('nameKeysKernel: keys by class, by type apart from by name, in the order of first use; skipped nodes get a key but keep their value', () => {
    // Types: 0 string (fixed class 0), 1 object (by name), 2 closure (fixed class 1: `Function`).
    const byType = Int32Array.from([0, -1, 1]);
    // Names: 0 → class 2, 1 → class 1 (a user object named `Function`), 2 → class 3 (`Object`).
    const byString = Int32Array.from([2, 1, 3]);
    const nodes = Uint32Array.from([1, 1, 0, 0, 2, 0, 1, 0, 1, 2, 0, 0, 1, 2]); // (type, name) pairs
    const keyOf = new Uint32Array(7).fill(99);
    const keyOfCode = new Int32Array(8).fill(-1);
    const codeOfKey = new Int32Array(8);
    const params = { nodeCount: 7, nodeFieldCount: 2, typeOffset: 0, nameOffset: 1, skipType: 1, skipName: 2 };
    const count = nameKeysKernel(nodes, params, byType, byString, new Uint8Array(0), new Int32Array(0), keyOfCode, codeOfKey, keyOf);
    expect(count).toBe(5);
    // Class 1 by name (node 0), class 0 by type, class 1 by type, class 2 by name, class 3 by name (skipped node 4).
    expect(Array.from(codeOfKey.subarray(0, count))).toEqual([2, 1, 3, 4, 6]);
    expect(Array.from(keyOf)).toEqual([0, 1, 2, 3, 99, 1, 99]);
  });
});
