import { describe, expect, it } from 'vitest';
import {
  STATE_COUNT,
  STATE_STATUS,
  STATUS_BAD_BYTE,
  STATUS_CLOSED,
  STATUS_FULL,
  STATUS_MISSING_VALUE,
  STATUS_NEED_MORE,
  STATUS_TOO_LARGE,
  createTokenizerState,
  tokenizeFloat64,
  tokenizeUint32,
} from '../../packages/core/src/kernels/number-tokenizer.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/**
 * Tokenizes `text` (which follows an opening "[") split into pieces at every cut; with `grow`,
 * a full output is replaced by one twice as big and reading resumes, as the parser does.
 */
function tokenizeInPieces(text: string, cuts: number[], capacity = 64, options: { float?: boolean; grow?: boolean } = {}) {
  const input = bytes(text);
  let out: Uint32Array | Float64Array = options.float ? new Float64Array(capacity) : new Uint32Array(capacity);
  const state = createTokenizerState();
  let position = 0;
  for (const bound of [...cuts, input.length]) {
    while (position < bound) {
      position = out instanceof Float64Array ? tokenizeFloat64(input, position, bound, out, state) : tokenizeUint32(input, position, bound, out, state);
      if (options.grow && state[STATE_STATUS] === STATUS_FULL) {
        const bigger = out instanceof Float64Array ? new Float64Array(out.length * 2) : new Uint32Array(out.length * 2);
        bigger.set(out);
        out = bigger;
        continue;
      }
      if (state[STATE_STATUS] !== STATUS_NEED_MORE) break;
    }
    if (state[STATE_STATUS] !== STATUS_NEED_MORE) break;
  }
  return { values: Array.from(out.subarray(0, state[STATE_COUNT])), status: state[STATE_STATUS], position };
}

describe('tokenizeUint32', () => {
  const text = '9,1,1,0,8,0,0\n,9,2,3,0,27,4294967295,12345]';
  const expected = [9, 1, 1, 0, 8, 0, 0, 9, 2, 3, 0, 27, 4294967295, 12345];

  it('reads every value, whole', () => {
    expect(tokenizeInPieces(text, [])).toEqual({ values: expected, status: STATUS_CLOSED, position: text.length });
  });

  it('gives the same values however the input is cut into chunks', () => {
    for (let a = 0; a <= text.length; a++) {
      for (let b = a; b <= text.length; b += 3) {
        expect(tokenizeInPieces(text, [a, b]).values).toEqual(expected);
      }
    }
  });

  it('reads records ended by "\\n," (as V8 writes nodes and edges) the same at every cut, and stops when full between them', () => {
    const records = '0\n,4294967295\n,7,0\n,12\n ,3]';
    const values = [0, 4294967295, 7, 0, 12, 3];
    for (let a = 0; a <= records.length; a++) expect(tokenizeInPieces(records, [a])).toMatchObject({ values, status: STATUS_CLOSED });
    expect(tokenizeInPieces(records, [], 2)).toMatchObject({ values: [0, 4294967295], status: STATUS_FULL, position: 16 });
  });

  it('reads an empty array', () => {
    expect(tokenizeInPieces(']', [])).toEqual({ values: [], status: STATUS_CLOSED, position: 1 });
  });

  it('stops when the output is full, and resumes at the same place', () => {
    const input = bytes('1,2,3]');
    const state = createTokenizerState();
    const small = new Uint32Array(2);
    const stop = tokenizeUint32(input, 0, input.length, small, state);
    expect(state[STATE_STATUS]).toBe(STATUS_FULL);
    expect(Array.from(small)).toEqual([1, 2]);
    const big = new Uint32Array(3);
    big.set(small);
    tokenizeUint32(input, stop, input.length, big, state);
    expect(state[STATE_STATUS]).toBe(STATUS_CLOSED);
    expect(Array.from(big)).toEqual([1, 2, 3]);
  });

  it.each([
    ['1,,2]', STATUS_MISSING_VALUE, 2],
    [',1]', STATUS_MISSING_VALUE, 0],
    ['1,2,]', STATUS_MISSING_VALUE, 4],
    ['1,x]', STATUS_BAD_BYTE, 2],
    ['1 2]', STATUS_BAD_BYTE, 2],
    ['-1]', STATUS_BAD_BYTE, 0],
    ['1.5]', STATUS_BAD_BYTE, 1],
    ['4294967296]', STATUS_TOO_LARGE, 10],
    ['1\n,,2]', STATUS_MISSING_VALUE, 3],
    ['4294967296\n,1]', STATUS_TOO_LARGE, 11],
    ['01\n,1]', STATUS_BAD_BYTE, 1],
    ['1\n\n,x]', STATUS_BAD_BYTE, 4],
  ])('rejects %j', (input, status, position) => {
    expect(tokenizeInPieces(input, [])).toMatchObject({ status, position });
  });
});

describe('tokenizeFloat64', () => {
  it('reads signed integers up to 2^53', () => {
    const input = bytes('-5, 0,9007199254740991 ,12]');
    const out = new Float64Array(8);
    const state = createTokenizerState();
    tokenizeFloat64(input, 0, input.length, out, state);
    expect(state[STATE_STATUS]).toBe(STATUS_CLOSED);
    expect(Array.from(out.subarray(0, state[STATE_COUNT]))).toEqual([-5, 0, 9007199254740991, 12]);
  });

  it('reads location records ("\\n," after each) the same at every cut and output size', () => {
    const values = [3, 7, -1, 0, 10, 125, 4096, 9007199254740991, 0, 0, -1, -1, 12, 1, 2, 3];
    const text = `${values.map((v, i) => `${v}${i % 4 === 3 ? '\n' : ''}`).join(',')}]`;
    for (let a = 0; a <= text.length; a++) {
      for (const capacity of [1, 3, 64]) expect(tokenizeInPieces(text, [a], capacity, { float: true, grow: true })).toEqual({ values, status: STATUS_CLOSED, position: text.length });
    }
  });

  it.each([
    ['9007199254740992,1]', STATUS_TOO_LARGE, 16],
    ['12,01]', STATUS_BAD_BYTE, 4],
    ['12\n,,1]', STATUS_MISSING_VALUE, 4],
    ['1,2x]', STATUS_BAD_BYTE, 3],
    ['7 8]', STATUS_BAD_BYTE, 2],
  ])('rejects %j where the slow path does', (input, status, position) => {
    expect(tokenizeInPieces(input, [], 64, { float: true })).toMatchObject({ status, position });
  });

  it.each([['-]'], ['1,-,2]'], ['1,--2]'], ['1,]']])('rejects %j', (input) => {
    const data = bytes(input);
    const state = createTokenizerState();
    tokenizeFloat64(data, 0, data.length, new Float64Array(8), state);
    expect([STATUS_BAD_BYTE, STATUS_MISSING_VALUE]).toContain(state[STATE_STATUS]);
  });
});
