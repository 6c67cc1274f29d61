;; The fast path of `tokenizeUint32` (number-tokenizer.ts) in WebAssembly, about twice as fast
;; as the JavaScript one once both are optimised. It runs on the parse workers (see
;; worker-source.ts for why not on the main thread).
;; Assembled into number-tokenizer-wasm.ts by `pnpm --filter @heapdiff/core assemble-wasm`.
;;
;; `tokenizeUint32(i, end, outEnd)` reads values written `digits,` or `digits\n,` (as V8 writes the
;; nodes and edges) from the bytes at [i, end) of its memory into unsigned 32-bit integers,
;; stored from the address in the global `out` on (which it advances), up to `outEnd`. It
;; returns where it stopped: at the start of the first value it does not read whole. It never
;; reads a value that could go on past `end`, nor anything else — white space, "]", "-", a zero
;; with digits after it, more than ten digits, a value above 2^32 - 1: the JavaScript
;; tokenizer takes over there, so the results and errors are exactly those of JavaScript alone.
;; The memory is the caller's (imported, shared): a worker reads a job's bytes where the main
;; thread read them from the file, and writes the values beside them, with no copy either way.
(module
  (import "env" "memory" (memory 1 65536 shared))
  (global $out (export "out") (mut i32) (i32.const 0))
  (func (export "tokenizeUint32") (param $i i32) (param $end i32) (param $outEnd i32) (result i32)
    (local $j i32)
    (local $digits i32)
    (local $digit i32)
    (local $value i64)
    (local $separator i32)
    (local $out i32)
    (local.set $out (global.get $out))
    (block $stop
      (loop $next
        (br_if $stop (i32.ge_u (local.get $out) (local.get $outEnd)))
        (br_if $stop (i32.ge_u (local.get $i) (local.get $end)))
        ;; The first digit.
        (local.set $digit (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
        (br_if $stop (i32.gt_u (local.get $digit) (i32.const 9)))
        (local.set $value (i64.extend_i32_u (local.get $digit)))
        (local.set $j (i32.add (local.get $i) (i32.const 1)))
        ;; The others: at most eleven digits in all (in 64 bits, checked against 2^32 - 1 below).
        (local.set $digits (i32.add (local.get $i) (i32.const 11)))
        (if (i32.gt_u (local.get $digits) (local.get $end)) (then (local.set $digits (local.get $end))))
        (block $last
          (loop $more
            (br_if $last (i32.ge_u (local.get $j) (local.get $digits)))
            (local.set $digit (i32.sub (i32.load8_u (local.get $j)) (i32.const 48)))
            (br_if $last (i32.gt_u (local.get $digit) (i32.const 9)))
            (local.set $value (i64.add (i64.mul (local.get $value) (i64.const 10)) (i64.extend_i32_u (local.get $digit))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $more)))
        ;; The separator must be here, before `end`.
        (br_if $stop (i32.ge_u (local.get $j) (local.get $end)))
        ;; A zero is a whole value ("01" is not JSON).
        (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 48))
          (then (br_if $stop (i32.ne (local.get $j) (i32.add (local.get $i) (i32.const 1))))))
        (br_if $stop (i64.gt_u (local.get $value) (i64.const 4294967295)))
        (local.set $separator (i32.load8_u (local.get $j)))
        (if (i32.eq (local.get $separator) (i32.const 44)) ;; ","
          (then (local.set $j (i32.add (local.get $j) (i32.const 1))))
          (else
            ;; "\n,"
            (br_if $stop (i32.ne (local.get $separator) (i32.const 10)))
            (br_if $stop (i32.ge_u (i32.add (local.get $j) (i32.const 1)) (local.get $end)))
            (br_if $stop (i32.ne (i32.load8_u offset=1 (local.get $j)) (i32.const 44)))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))))
        (i32.store (local.get $out) (i32.wrap_i64 (local.get $value)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $i (local.get $j))
        (br $next)))
    (global.set $out (local.get $out))
    (local.get $i))
)
