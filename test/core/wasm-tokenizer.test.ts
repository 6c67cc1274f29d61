import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NUMBER_TOKENIZER_WASM } from '../../packages/core/src/kernels/number-tokenizer-wasm.js';
import {
  STATE_STATUS,
  STATUS_FULL,
  STATUS_NEED_MORE,
  createTokenizerState,
  createWasmTokenizer,
  instantiateWasmTokenizer,
  sharedWasmMemory,
  tokenizeUint32,
  tokenizeWasm,
  type WasmTokenizer,
} from '../../packages/core/src/kernels/number-tokenizer.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

type Tokenize = (bytes: Uint8Array, start: number, end: number, out: Uint32Array, state: Float64Array) => number;

/** Reads `input` cut at `cuts`, growing a full output when `grow`, as the parser does: everything the tokenizer says. */
function run(tokenize: Tokenize, input: Uint8Array, cuts: number[], capacity: number, grow: boolean) {
  let out = new Uint32Array(capacity);
  const state = createTokenizerState();
  const calls: number[][] = [];
  let position = 0;
  outer: for (const bound of [...cuts.filter((c) => c < input.length), input.length]) {
    while (position < bound) {
      position = tokenize(input, position, bound, out, state);
      calls.push([position, ...state]);
      if (grow && state[STATE_STATUS] === STATUS_FULL) {
        const bigger = new Uint32Array(out.length * 2 + 1);
        bigger.set(out);
        out = bigger;
        continue;
      }
      if (state[STATE_STATUS] !== STATUS_NEED_MORE) break outer;
    }
  }
  return { calls, values: Array.from(out.subarray(0, state[2])) };
}

/** A deterministic generator (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Text after a section's "[": mostly V8's `digits,` and `digits\n,`, with every kind of oddity now and then. */
function sectionText(next: () => number, length: number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const parts: string[] = [];
  for (let k = 0; k < length; k++) {
    const roll = next();
    if (roll < 0.75) parts.push((next() < 0.1 ? '-' : '') + String(Math.floor(next() ** 3 * 2 ** (1 + Math.floor(next() * 54)))));
    else if (roll < 0.85) {
      parts.push(pick(['0', '4294967295', '4294967296', '9999999999', '10000000000', '99999999999', '123456789012', '00', '07', '0000000001']));
      parts.push(pick(['', '', '-0', '-00', '-01', '9007199254740991', '-9007199254740991', '9007199254740992', '-9007199254740992', '12345678901234567']));
    } else parts.push(pick(['', ' 5', '5 ', '-1', '-', '--1', '1.5', 'x', '\n', '\n\n', ' ', '1\t', '\r\n3', '[']));
    parts.push(next() < 0.6 ? ',' : pick(['\n,', ' ,', ', ', '\n\n,', ',,', ']', ' ]', '\n]']));
  }
  return parts.join('') + pick([']', '', '\n]', '0]', ',']);
}

const wasmWith = (pieceBytes: number): WasmTokenizer => createWasmTokenizer(NUMBER_TOKENIZER_WASM, pieceBytes)!;

describe('tokenizeWasm', () => {
  it('says exactly what tokenizeUint32 says — values, states, statuses and positions — on random sections, cuts and output sizes', () => {
    const pieces = [wasmWith(16), wasmWith(20), wasmWith(64), wasmWith(1 << 20)];
    for (let seed = 1; seed <= 1500; seed++) {
      const next = random(seed);
      const input = encode(sectionText(next, 1 + Math.floor(next() * 60)));
      const cuts = Array.from({ length: Math.floor(next() * 4) }, () => Math.floor(next() * input.length)).sort((a, b) => a - b);
      const capacity = next() < 0.5 ? 4096 : Math.floor(next() * 8);
      const grow = next() < 0.7;
      const wasm = pieces[seed % pieces.length]!;
      const expected = run(tokenizeUint32, input, cuts, capacity, grow);
      const actual = run((b, s, e, o, st) => tokenizeWasm(b, s, e, o, st, wasm), input, cuts, capacity, grow);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        expect({ seed, text: new TextDecoder().decode(input), cuts, capacity, grow, ...actual }).toEqual({ seed, text: new TextDecoder().decode(input), cuts, capacity, grow, ...expected });
      }
    }
  });

  it('reads V8-shaped records across piece ends at any offset, values of every length', () => {
    const values = Array.from({ length: 3000 }, (_, k) => (k * 2654435761) % 2 ** 32 >>> (k % 32));
    const text = `${values.map((v, k) => `${v}${k % 7 === 6 ? '\n' : ''}`).join(',')}]`;
    const input = encode(text);
    for (const pieceBytes of [16, 20, 100, 4096]) {
      const wasm = wasmWith(pieceBytes);
      for (let cut = 0; cut < 40; cut++) {
        const result = run((b, s, e, o, st) => tokenizeWasm(b, s, e, o, st, wasm), input, [cut, cut * 97], 64, true);
        expect(result.values).toEqual(values);
      }
    }
  });

  it('is made from the module number-tokenizer.wat assembles to (the committed bytes are not stale)', async () => {
    const script = new URL('../../packages/core/scripts/assemble-wasm.mjs', import.meta.url);
    const { assembledModule } = (await import(script.href)) as { assembledModule: (name: string) => Promise<string> };
    const committed = readFileSync(new URL('../../packages/core/src/kernels/number-tokenizer-wasm.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await assembledModule('number-tokenizer'));
  });

  it('is not made where there is no WebAssembly (node --jitless), and tokenizeUint32 reads alone', () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'WebAssembly')!;
    Reflect.deleteProperty(globalThis, 'WebAssembly');
    try {
      expect(createWasmTokenizer(NUMBER_TOKENIZER_WASM)).toBeUndefined();
    } finally {
      Object.defineProperty(globalThis, 'WebAssembly', saved);
    }
  });
});

describe('tokenizeWasm in place (an instance on the memory the input is in)', () => {
  it('says exactly what tokenizeUint32 says on random sections, reading the input where it lies in the memory and writing the values there', () => {
    for (let seed = 1; seed <= 1500; seed++) {
      const next = random(seed);
      const input = encode(sectionText(next, 1 + Math.floor(next() * 60)));
      // A worker's job: the input somewhere after a slab's reserve, room for all its values after it.
      const at = Math.floor(next() * 100);
      const valuesAt = Math.ceil((at + input.length) / 4) * 4 + 4 * Math.floor(next() * 3);
      const room = (input.length >>> 1) + 2;
      const memory = sharedWasmMemory(valuesAt + room * 4)!;
      const bytes = new Uint8Array(memory.buffer);
      bytes.set(input, at);
      const pieceBytes = [16, 20, 64, 1 << 20][seed % 4]!;
      const state = createTokenizerState();
      const out = new Uint32Array(memory.buffer, valuesAt, room);
      const position = tokenizeWasm(bytes, at, at + input.length, out, state, instantiateWasmTokenizer(NUMBER_TOKENIZER_WASM, memory), pieceBytes) - at;
      const expectedState = createTokenizerState();
      const expectedOut = new Uint32Array(room);
      const expectedPosition = tokenizeUint32(input, 0, input.length, expectedOut, expectedState);
      const actual = { position, state: [...state], values: [...out.subarray(0, state[2])] };
      const expected = { position: expectedPosition, state: [...expectedState], values: [...expectedOut.subarray(0, expectedState[2])] };
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        expect({ seed, text: new TextDecoder().decode(input), pieceBytes, ...actual }).toEqual({ seed, text: new TextDecoder().decode(input), pieceBytes, ...expected });
      }
      // Nothing written outside the values: the input is as it was.
      expect(bytes.subarray(at, at + input.length)).toEqual(input);
    }
  });
});
