// The float32 `Kernels` on WebAssembly SIMD: the packed SGEMM of engine/wasm/sgemm.ts, compiled by
// scripts/build-wasm.ts to engine/wasm/kernels.wasm. The caller (a worker, a test, a script) reads
// that file and hands over its bytes or the compiled module, so engine/ stays free of Node imports.
// Each call copies its operands into the module's memory and the product back out; measured, the
// copies cost about a tenth of the product on LeNet-5's shapes (scripts/bench-kernels.ts).
import { setKernels, type Floats, type Kernels } from './kernels.ts';

// engine/ compiles without DOM or Node types, which is where WebAssembly is declared: the little used here.
interface WasmApi {
  Module: new (bytes: ArrayBuffer | ArrayBufferView) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
interface SgemmExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  workspaceEnd(): number;
  sgemm(transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: number, lda: number, b: number, ldb: number, c: number, ldc: number, accumulate: boolean): void;
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const PAGE = 65536;
const align = (bytes: number) => (bytes + 63) & ~63;

/** Float32 kernels on a fresh instance of the module; `wasm` is its bytes or a `WebAssembly.Module`. */
export function createWasmKernels(wasm: ArrayBuffer | ArrayBufferView | object): Kernels {
  const module = wasm instanceof ArrayBuffer || ArrayBuffer.isView(wasm) ? new WebAssemblyApi.Module(wasm) : wasm;
  const exports = new WebAssemblyApi.Instance(module, {}).exports as SgemmExports;
  const memory = exports.memory;
  const operands = align(exports.workspaceEnd());
  let heap = new Float32Array(memory.buffer);

  // Growing the memory detaches the old buffer: take a new view after it.
  function reserve(end: number): void {
    if (end <= memory.buffer.byteLength) return;
    memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
    heap = new Float32Array(memory.buffer);
  }
  function copyIn(src: Floats, n: number, at: number): void {
    heap.set(src.length === n ? src : src.subarray(0, n), at >> 2);
  }

  return {
    gemm(transA, transB, M, N, K, A, B, C, accumulate) {
      const sizeA = M * K, sizeB = K * N, sizeC = M * N;
      const a = operands, b = align(a + 4 * sizeA), c = align(b + 4 * sizeB);
      reserve(c + 4 * sizeC);
      copyIn(A, sizeA, a);
      copyIn(B, sizeB, b);
      if (accumulate) copyIn(C, sizeC, c);
      exports.sgemm(transA, transB, M, N, K, a, transA ? M : K, b, transB ? K : N, c, N, accumulate);
      C.set(heap.subarray(c >> 2, (c >> 2) + sizeC));
    },
  };
}

/** Makes every float32 matrix product in this thread run on WebAssembly SIMD (float64 stays TypeScript). */
export function installWasmKernels(wasm: ArrayBuffer | ArrayBufferView | object): void {
  setKernels(createWasmKernels(wasm));
}
