import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeapdiffError, parseSnapshot } from '@heapdiff/core';
import { mediumSnapshot } from '../helpers/snapshot-builder.js';
import { fixturePath } from '../helpers/fixtures.js';
import { referenceParse } from '../helpers/reference-parse.js';
import { edgeRecords } from '../helpers/edge-records.js';
import { nodeRecords } from '../helpers/node-records.js';


type Mutation = { kind: 'truncate' | 'flip' | 'delete' | 'insert'; at: number; length: number; byte: number; text: string };

function mutate(data: Uint8Array, m: Mutation): Uint8Array {
  const at = Math.floor(m.at * data.length);
  switch (m.kind) {
    case 'truncate':
      return data.subarray(0, at);
    case 'flip': {
      const copy = Uint8Array.from(data);
      if (at < copy.length) copy[at] = m.byte;
      return copy;
    }
    case 'delete':
      return Buffer.concat([data.subarray(0, at), data.subarray(at + m.length)]);
    case 'insert':
      return Buffer.concat([data.subarray(0, at), Buffer.from(m.text), data.subarray(at)]);
  }
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('truncate', 'flip', 'delete', 'insert'),
  at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  length: fc.integer({ min: 1, max: 40 }),
  byte: fc.oneof(fc.constantFrom(0x22, 0x2c, 0x5b, 0x5d, 0x7b, 0x7d, 0x5c, 0x30, 0x39, 0x2d, 0x0a, 0xff, 0xc3), fc.integer({ min: 0, max: 255 })),
  text: fc.constantFrom(' ', '\n', '\t', ',', '0', '99999999999', '"', '[', ']', '\\u', '\\', ',"x":1', '{}', '1,', 'é'),
});

async function check(data: Uint8Array, chunkSize: number): Promise<void> {
  const started = performance.now();
  let graph;
  let error: unknown;
  async function* chunks() {
    for (let i = 0; i < data.length; i += chunkSize) yield data.subarray(i, i + chunkSize);
  }
  try {
    graph = await parseSnapshot(chunks());
  } catch (e) {
    error = e;
  }
  expect(performance.now() - started).toBeLessThan(5_000);
  const reference = referenceParse(Buffer.from(data).toString('utf8'));
  if (error !== undefined) {
    // Anything heapdiff rejects, it rejects with one of its own errors, never a crash from inside.
    if (!(error instanceof HeapdiffError)) throw error;
    return;
  }
  // heapdiff accepted it: then it must be a snapshot, read exactly.
  expect(reference).toBeDefined();
  expect(nodeRecords(graph!)).toEqual(reference!.nodes);
  expect(edgeRecords(graph!)).toEqual(reference!.edges);
  expect(graph!.strings.count).toBe(reference!.strings.length);
  for (let i = 0; i < reference!.strings.length; i++) expect(graph!.strings.get(i)).toBe(reference!.strings[i]);
}

describe('mutated snapshots: a correct parse or a HeapdiffError, every time', () => {
  it('on a hand-made snapshot', async () => {
    const data = Buffer.from(mediumSnapshot());
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 4096 }), async (mutations, chunk) => {
        await check(mutations.reduce(mutate, data as Uint8Array), chunk);
      }),
      { numRuns: 400 },
    );
  });

  it('on a real snapshot written by Node', async () => {
    const data = gunzipSync(readFileSync(fixturePath(18)));
    await fc.assert(
      fc.asyncProperty(mutation, fc.integer({ min: 1024, max: 1 << 20 }), async (m, chunk) => {
        const mutated = mutate(data, m);
        const started = performance.now();
        try {
          await parseSnapshot((async function* () {
            for (let i = 0; i < mutated.length; i += chunk) yield mutated.subarray(i, i + chunk);
          })());
        } catch (error) {
          if (!(error instanceof HeapdiffError)) throw error;
        }
        expect(performance.now() - started).toBeLessThan(5_000);
      }),
      { numRuns: 40 },
    );
  });
});
