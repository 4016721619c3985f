// The float32 `Kernels` on WebAssembly SIMD: the packed SGEMM, im2col/col2im, ReLU and max pooling
// of engine/wasm/, compiled by scripts/build-wasm.ts to engine/wasm/kernels.wasm. The caller (a
// worker, a test, a script) reads that file and hands over its bytes or the compiled module, so
// engine/ stays free of Node imports.
//
// Operands: the float32 buffers the engine allocates (`floats`, `grow`) while these kernels are
// installed are placed in the module's memory, so the kernels read and write them in place; any
// other array (the input batch, parameters shared by the trainer) is copied in for the call and
// its result copied out. Copying everything cost about a fifth of LeNet-5's kernel time. The
// memory is shared, so growing it never detaches the arrays placed in it; they are never freed
// (a bump allocator): build models once per thread, as the workers do.
import { setKernels, type Floats, type Kernels } from './kernels.ts';

// engine/ compiles without DOM or Node types, which is where WebAssembly is declared: the little used here.
interface WasmApi {
  Module: new (bytes: ArrayBuffer | ArrayBufferView) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
interface KernelExports {
  memory: { buffer: ArrayBufferLike; grow(pages: number): number };
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
  const buffers = new WeakSet<ArrayBufferLike>(); // every buffer object the memory has had: the placed arrays' buffers
  let heap: Float32Array = new Float32Array(0);
  let heapInts: Int32Array = new Int32Array(0);
  function reserve(end: number): void {
    if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
    if (heap.buffer !== memory.buffer) {
      heap = new Float32Array(memory.buffer);
      heapInts = new Int32Array(memory.buffer);
      buffers.add(memory.buffer);
    }
  }
  let placed = align(exports.workspaceEnd()); // below: the module's own packing buffers; above: placed arrays
  reserve(placed);
  let top = placed; // a call's copies go above the placed arrays

  const inMemory = (a: Floats) => buffers.has(a.buffer);
  /** The byte offset of an operand of n floats: where it already is, or a copy of it made for this call. */
  function input(n: number, from: Floats): number {
    if (inMemory(from)) return from.byteOffset;
    const at = scratch(n);
    heap.set(from.length === n ? from : from.subarray(0, n), at >> 2);
    return at;
  }
  /** Where a result of n floats goes: into `to` itself, or a scratch area that `output` copies out. */
  function result(n: number, to: Floats): number {
    return inMemory(to) ? to.byteOffset : scratch(n);
  }
  function output(at: number, n: number, to: Floats): void {
    if (!inMemory(to)) to.set(heap.subarray(at >> 2, (at >> 2) + n));
  }
  function scratch(n: number): number {
    const at = top;
    top = align(top + 4 * n);
    reserve(top);
    return at;
  }

  return {
    floats(n) {
      const at = placed;
      placed = align(placed + 4 * n);
      reserve(placed);
      return new Float32Array(memory.buffer, at, n).fill(0); // earlier calls' copies may have been there
    },
    gemm(transA, transB, M, N, K, A, B, C, accumulate) {
      top = placed;
      const a = input(M * K, A), b = input(K * N, B);
      const c = accumulate ? input(M * N, C) : result(M * N, C);
      exports.sgemm(transA, transB, M, N, K, a, transA ? M : K, b, transB ? K : N, c, N, accumulate);
      output(c, M * N, C);
    },
    im2col(x, batch, C, H, W, k, col) {
      top = placed;
      const cols = C * k * k * batch * (H - k + 1) * (W - k + 1);
      const from = input(batch * C * H * W, x), to = result(cols, col);
      exports.im2col(from, batch, C, H, W, k, to);
      output(to, cols, col);
    },
    col2im(col, batch, C, H, W, k, dx) {
      top = placed;
      const inputs = batch * C * H * W;
      const from = input(C * k * k * batch * (H - k + 1) * (W - k + 1), col), to = result(inputs, dx);
      exports.col2im(from, batch, C, H, W, k, to);
      output(to, inputs, dx);
    },
    relu(x, y, n) {
      top = placed;
      const from = input(n, x), to = result(n, y);
      exports.relu(from, to, n);
      output(to, n, y);
    },
    reluBackward(y, dy, dx, n) {
      top = placed;
      const out = input(n, y), gradient = input(n, dy), to = result(n, dx);
      exports.reluBackward(out, gradient, to, n);
      output(to, n, dx);
    },
    maxPool(x, maps, H, W, n, y, winner) {
      top = placed;
      const outputs = maps * Math.floor(H / n) * Math.floor(W / n);
      const from = input(maps * H * W, x), to = result(outputs, y), winners = scratch(outputs);
      exports.maxPool(from, maps, H, W, n, to, winners);
      output(to, outputs, y);
      winner.set(heapInts.subarray(winners >> 2, (winners >> 2) + outputs));
    },
  };
}

/** Makes every float32 kernel in this thread (products, im2col/col2im, ReLU, max pooling) run on
 *  WebAssembly SIMD; float64 stays on the TypeScript kernels. */
export function installWasmKernels(wasm: ArrayBuffer | ArrayBufferView | object): void {
  setKernels(createWasmKernels(wasm));
}
