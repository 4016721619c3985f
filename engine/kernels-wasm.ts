// The float32 `Kernels` on WebAssembly SIMD: the packed SGEMM and im2col/col2im of engine/wasm/,
// compiled by scripts/build-wasm.ts to engine/wasm/kernels.wasm. The caller (a worker, a test, a
// script) reads that file and hands over its bytes or the compiled module, so engine/ stays free of
// Node imports. Each call copies its operands into the module's memory and its result back out: at
// memcpy speed that costs about a tenth of a product on LeNet-5's shapes, and it keeps the layers'
// buffers ordinary typed arrays.
import { setKernels, type Floats, type Kernels } from './kernels.ts';

// engine/ compiles without DOM or Node types, which is where WebAssembly is declared: the little used here.
interface WasmApi {
  Module: new (bytes: ArrayBuffer | ArrayBufferView) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  workspaceEnd(): number;
  sgemm(transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: number, lda: number, b: number, ldb: number, c: number, ldc: number, accumulate: boolean): void;
  im2col(x: number, batch: number, C: number, H: number, W: number, k: number, col: number): void;
  col2im(col: number, batch: number, C: number, H: number, W: number, k: number, dx: number): void;
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const PAGE = 65536;
const align = (bytes: number) => (bytes + 63) & ~63;

/** Float32 kernels on a fresh instance of the module; `wasm` is its bytes or a `WebAssembly.Module`. */
export function createWasmKernels(wasm: ArrayBuffer | ArrayBufferView | object): Kernels {
  const module = wasm instanceof ArrayBuffer || ArrayBuffer.isView(wasm) ? new WebAssemblyApi.Module(wasm) : wasm;
  const exports = new WebAssemblyApi.Instance(module, {}).exports as KernelExports;
  const memory = exports.memory;
  const operands = align(exports.workspaceEnd()); // below: the module's own packing buffers
  let heap = new Float32Array(memory.buffer);
  let top = operands;

  /** Room for n floats above the previous operand of this call, filled from `from` if given; its byte offset. */
  function place(n: number, from?: Floats): number {
    const at = top;
    top = align(top + 4 * n);
    if (top > memory.buffer.byteLength) {
      memory.grow(Math.ceil((top - memory.buffer.byteLength) / PAGE));
      heap = new Float32Array(memory.buffer); // growing detached the old buffer
    }
    if (from) heap.set(from.length === n ? from : from.subarray(0, n), at >> 2);
    return at;
  }
  function copyOut(at: number, n: number, to: Floats): void {
    to.set(heap.subarray(at >> 2, (at >> 2) + n));
  }

  return {
    gemm(transA, transB, M, N, K, A, B, C, accumulate) {
      top = operands;
      const a = place(M * K, A), b = place(K * N, B), c = place(M * N, accumulate ? C : undefined);
      exports.sgemm(transA, transB, M, N, K, a, transA ? M : K, b, transB ? K : N, c, N, accumulate);
      copyOut(c, M * N, C);
    },
    im2col(x, batch, C, H, W, k, col) {
      top = operands;
      const cols = C * k * k * batch * (H - k + 1) * (W - k + 1);
      const from = place(batch * C * H * W, x), to = place(cols);
      exports.im2col(from, batch, C, H, W, k, to);
      copyOut(to, cols, col);
    },
    col2im(col, batch, C, H, W, k, dx) {
      top = operands;
      const inputs = batch * C * H * W;
      const from = place(C * k * k * batch * (H - k + 1) * (W - k + 1), col), to = place(inputs);
      exports.col2im(from, batch, C, H, W, k, to);
      copyOut(to, inputs, dx);
    },
  };
}

/** Makes every float32 matrix product and im2col/col2im in this thread run on WebAssembly SIMD
 *  (float64 stays on the TypeScript kernels). */
export function installWasmKernels(wasm: ArrayBuffer | ArrayBufferView | object): void {
  setKernels(createWasmKernels(wasm));
}
