// The float32 `Kernels` on WebAssembly SIMD: the packed SGEMM, im2col/col2im, ReLU and max pooling
// of engine/wasm/, compiled by scripts/build-wasm.ts to engine/wasm/kernels.wasm. The caller (a
// worker, a test, a script) reads that file and hands over its bytes or the compiled module, so
// engine/ stays free of Node imports. Each call copies its operands into the module's memory and its result back out: at
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
  relu(x: number, y: number, n: number): void;
  reluBackward(y: number, dy: number, dx: number, n: number): void;
  maxPool(x: number, maps: number, H: number, W: number, n: number, y: number, winner: number): void;
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const EXPORTS = ['workspaceEnd', 'sgemm', 'im2col', 'col2im', 'relu', 'reluBackward', 'maxPool'] as const;

const PAGE = 65536;
const align = (bytes: number) => (bytes + 63) & ~63;

/** Float32 kernels on a fresh instance of the module; `wasm` is its bytes or a `WebAssembly.Module`. */
export function createWasmKernels(wasm: ArrayBuffer | ArrayBufferView | object): Kernels {
  const module = wasm instanceof ArrayBuffer || ArrayBuffer.isView(wasm) ? new WebAssemblyApi.Module(wasm) : wasm;
  const exports = new WebAssemblyApi.Instance(module, {}).exports as KernelExports;
  const missing = EXPORTS.filter((name) => typeof exports[name] !== 'function');
  if (missing.length) throw new Error(`the wasm kernels lack ${missing.join(', ')}: engine/wasm/kernels.wasm is out of date, run "npm run build:wasm"`);
  const memory = exports.memory;
  const operands = align(exports.workspaceEnd()); // below: the module's own packing buffers
  let heap = new Float32Array(memory.buffer);
  let heapInts = new Int32Array(memory.buffer);
  let top = operands;

  /** Room for n floats above the previous operand of this call, filled from `from` if given; its byte offset. */
  function place(n: number, from?: Floats): number {
    const at = top;
    top = align(top + 4 * n);
    if (top > memory.buffer.byteLength) {
      memory.grow(Math.ceil((top - memory.buffer.byteLength) / PAGE));
      heap = new Float32Array(memory.buffer); // growing detached the old buffer
      heapInts = new Int32Array(memory.buffer);
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
    relu(x, y, n) {
      top = operands;
      const from = place(n, x), to = place(n);
      exports.relu(from, to, n);
      copyOut(to, n, y);
    },
    reluBackward(y, dy, dx, n) {
      top = operands;
      const output = place(n, y), gradient = place(n, dy), to = place(n);
      exports.reluBackward(output, gradient, to, n);
      copyOut(to, n, dx);
    },
    maxPool(x, maps, H, W, n, y, winner) {
      top = operands;
      const outputs = maps * Math.floor(H / n) * Math.floor(W / n);
      const from = place(maps * H * W, x), to = place(outputs), winners = place(outputs);
      exports.maxPool(from, maps, H, W, n, to, winners);
      copyOut(to, outputs, y);
      winner.set(heapInts.subarray(winners >> 2, (winners >> 2) + outputs));
    },
  };
}

/** Makes every float32 kernel in this thread (products, im2col/col2im, ReLU, max pooling) run on
 *  WebAssembly SIMD; float64 stays on the TypeScript kernels. */
export function installWasmKernels(wasm: ArrayBuffer | ArrayBufferView | object): void {
  setKernels(createWasmKernels(wasm));
}
