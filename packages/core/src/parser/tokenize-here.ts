import { NUMBER_TOKENIZER_WASM } from '../kernels/number-tokenizer-wasm.js';
import { createWasmTokenizer, tokenizeFloat64, tokenizeUint32, tokenizeWasm, type WasmTokenizer } from '../kernels/number-tokenizer.js';

/**
 * This thread's instance of the WebAssembly fast paths, made when this module loads: made on
 * first use, it would be new in the second snapshot of an in-process mark (`markHeap`) —
 * heapdiff's own objects, allocated after the baseline, retaining its memory. Undefined
 * without WebAssembly, or if it cannot be made (JavaScript then reads alone).
 */
const wasm: WasmTokenizer | undefined = (() => {
  try {
    return createWasmTokenizer(NUMBER_TOKENIZER_WASM);
  } catch {
    return undefined;
  }
})();

/**
 * `tokenizeUint32` or `tokenizeFloat64` (by the type of `out`) on this thread, the fast path in
 * WebAssembly where there is WebAssembly (`tokenizeWasm`: the same results, about twice as
 * fast, and fast from the first call).
 */
export function tokenizeHere(bytes: Uint8Array, start: number, end: number, out: Uint32Array | Float64Array, state: Float64Array): number {
  if (wasm) return tokenizeWasm(bytes, start, end, out, state, wasm);
  return out instanceof Float64Array ? tokenizeFloat64(bytes, start, end, out, state) : tokenizeUint32(bytes, start, end, out, state);
}
