import { NUMBER_TOKENIZER_WASM } from '../kernels/number-tokenizer-wasm.js';
import { createWasmTokenizer, tokenizeUint32, tokenizeUint32Wasm, type WasmTokenizer } from '../kernels/number-tokenizer.js';

/** This thread's instance of the WebAssembly fast path: made on first use; undefined without WebAssembly. */
let wasm: WasmTokenizer | undefined | null = null;

/**
 * `tokenizeUint32` on this thread, its fast path in WebAssembly where there is WebAssembly
 * (`tokenizeUint32Wasm`: the same results, about twice as fast, and fast from the first call).
 */
export function tokenizeUint32Here(bytes: Uint8Array, start: number, end: number, out: Uint32Array, state: Float64Array): number {
  if (wasm === null) wasm = createWasmTokenizer(NUMBER_TOKENIZER_WASM);
  return wasm ? tokenizeUint32Wasm(bytes, start, end, out, state, wasm) : tokenizeUint32(bytes, start, end, out, state);
}
