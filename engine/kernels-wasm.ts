// The float32 `Kernels` on WebAssembly SIMD: the packed SGEMM, im2col/col2im, the activations, max
// pooling and the optimisers' steps of engine/wasm/, compiled by scripts/build-wasm.ts to
// engine/wasm/kernels.wasm. The caller (a worker, a test, a script) reads that file and hands over
// its bytes or the compiled module, so engine/ stays free of Node imports.
//
// Operands: the float32 buffers the engine allocates (`floats`, `grow`) while these kernels are
// installed are placed in the module's memory, so the kernels read and write them in place; any
// other array (an input batch, say) is copied in for the call and its result copied out. Copying
// everything cost about a fifth of LeNet-5's kernel time.
//
// The memory is shared and imported: several threads may each run an instance on ONE memory (the
// trainer's workers do, so that the parameters, moments and gradient slots they share are operands in
// place; `view` makes such an array one these kernels recognise). Every thread takes the space it
// uses by growing the memory, which is atomic, so no two claims overlap. Growing never detaches the
// arrays placed in it; they are never freed (a bump allocator): build models once per thread.
import { setKernels, type Floats, type Kernels } from './kernels.ts';

// engine/ compiles without DOM or Node types, which is where WebAssembly is declared: the little used here.
export interface KernelMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: ArrayBuffer | ArrayBufferView) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => KernelMemory;
}
interface KernelExports {
  workspaceBytes(): number;
  setWorkspace(at: number): void;
  sgemm(transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: number, lda: number, b: number, ldb: number, c: number, ldc: number, accumulate: boolean): void;
  im2col(x: number, batch: number, C: number, H: number, W: number, k: number, col: number): void;
  col2im(col: number, batch: number, C: number, H: number, W: number, k: number, dx: number): void;
  mapsToSamples(rows: number, D: number, batch: number, P: number, bias: number, y: number): void;
  samplesToMaps(dy: number, D: number, batch: number, P: number, delta: number, dBias: number): void;
  relu(x: number, y: number, n: number): void;
  reluBackward(y: number, dy: number, dx: number, n: number): void;
  sigmoid(x: number, y: number, n: number): void;
  tanh(x: number, y: number, n: number, a: number, s: number): void;
  maxPool(x: number, maps: number, H: number, W: number, n: number, y: number, winner: number): void;
  maxPoolBackward(dy: number, winner: number, outputs: number, dx: number, inputs: number): void;
  meanOfSlots(slots: number, count: number, stride: number, n: number, rows: number, out: number): number;
  sumOfSquares(x: number, n: number): number;
  sgd(w: number, g: number, n: number, lr: number, wd: number, wOut: number): number;
  momentum(w: number, g: number, vel: number, n: number, lr: number, mu: number, wd: number, wOut: number, velOut: number): number;
  adam(w: number, g: number, m: number, s: number, n: number,
    lr: number, b1: number, b2: number, eps: number, c1: number, c2: number, wd: number, wOut: number, mOut: number, sOut: number): number;
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const EXPORTS = ['workspaceBytes', 'setWorkspace', 'sgemm', 'im2col', 'col2im', 'mapsToSamples', 'samplesToMaps', 'relu',
  'reluBackward', 'sigmoid', 'tanh', 'maxPool', 'maxPoolBackward', 'meanOfSlots', 'sumOfSquares', 'sgd', 'momentum', 'adam'] as const;

const PAGE = 65536;
const REGION = 16 * PAGE; // claimed at least this much at a time
const align = (bytes: number) => (bytes + 63) & ~63;

/** A memory for the kernels (shared: up to 4 GiB, usable from several threads). */
export function createKernelMemory(): KernelMemory {
  return new WebAssemblyApi.Memory({ initial: 1, maximum: 65536, shared: true });
}

/** Claims whole pages of `memory` no other claim overlaps, from any thread; returns the first byte. */
function claimPages(memory: KernelMemory, bytes: number): number {
  return memory.grow(Math.ceil(bytes / PAGE)) * PAGE;
}

/** n zeroed floats of `memory`, for any thread's kernels on it (after `view` there). */
export function claimFloats(memory: KernelMemory, n: number): Float32Array {
  const at = claimPages(memory, 4 * n);
  return new Float32Array(memory.buffer, at, n); // fresh pages are zero
}

export interface WasmKernels extends Kernels {
  floats(n: number): Float32Array;
  /** The same floats of this memory (claimed by any thread, e.g. with claimFloats, and passed here
   *  as a copy of the array), as an array that these kernels use in place. */
  view(a: Float32Array): Float32Array;
}

/** Float32 kernels on a fresh instance of the module (`wasm`: its bytes or a `WebAssembly.Module`),
 *  on `memory` (by default a new one of its own). */
export function createWasmKernels(wasm: ArrayBuffer | ArrayBufferView | object, memory = createKernelMemory()): WasmKernels {
  const module = wasm instanceof ArrayBuffer || ArrayBuffer.isView(wasm) ? new WebAssemblyApi.Module(wasm) : wasm;
  const exports = new WebAssemblyApi.Instance(module, { env: { memory } }).exports as KernelExports;
  const missing = EXPORTS.filter((name) => typeof exports[name] !== 'function');
  if (missing.length) throw new Error(`the wasm kernels lack ${missing.join(', ')}: engine/wasm/kernels.wasm is out of date, run "npm run build:wasm"`);
  const buffers = new WeakSet<ArrayBufferLike>(); // every buffer object the memory has had here: the placed arrays' buffers
  let heap: Float32Array = new Float32Array(0);
  let heapInts: Int32Array = new Int32Array(0);
  /** The views reach at least byte `end` (another thread may have grown the memory). */
  function reach(end: number): void {
    if (heap.byteLength >= end) return;
    heap = new Float32Array(memory.buffer);
    heapInts = new Int32Array(memory.buffer);
    buffers.add(memory.buffer);
  }
  // Placed arrays are bump-allocated from claimed regions; a call's copies of other operands go to
  // a scratch region, reused by the next call (and replaced by a larger one when too small).
  let placed = 0, placedEnd = 0;
  let scratchStart = 0, scratchEnd = 0, top = 0;
  function place(bytes: number): number {
    if (placed + bytes > placedEnd) {
      const size = Math.max(bytes, REGION);
      placed = claimPages(memory, size);
      placedEnd = placed + size;
    }
    const at = placed;
    placed = align(placed + bytes);
    reach(at + bytes);
    return at;
  }
  exports.setWorkspace(place(exports.workspaceBytes()));

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
    if (top + 4 * n > scratchEnd) {
      const size = Math.max(4 * n, 2 * (scratchEnd - scratchStart), REGION);
      top = scratchStart = claimPages(memory, size); // this call's earlier copies stay where they are
      scratchEnd = scratchStart + size;
      reach(scratchEnd);
    }
    const at = top;
    top = align(top + 4 * n);
    return at;
  }
  /** A call begins: its copies start at the bottom of the scratch region. */
  const call = () => (top = scratchStart);
  /** y = f(x) over n floats, f being the module's function `run` calls with their offsets. */
  function elementwise(x: Floats, y: Floats, n: number, run: (from: number, to: number) => void): void {
    call();
    const from = input(n, x), to = result(n, y);
    run(from, to);
    output(to, n, y);
  }

  return {
    floats(n) {
      const at = place(4 * n);
      return new Float32Array(heap.buffer, at, n); // claimed pages are fresh: zero
    },
    view(a) {
      reach(a.byteOffset + a.byteLength);
      return new Float32Array(heap.buffer, a.byteOffset, a.length);
    },
    gemm(transA, transB, M, N, K, A, B, C, accumulate) {
      call();
      const a = input(M * K, A), b = input(K * N, B);
      const c = accumulate ? input(M * N, C) : result(M * N, C);
      exports.sgemm(transA, transB, M, N, K, a, transA ? M : K, b, transB ? K : N, c, N, accumulate);
      output(c, M * N, C);
    },
    im2col(x, batch, C, H, W, k, col) {
      call();
      const cols = C * k * k * batch * (H - k + 1) * (W - k + 1);
      const from = input(batch * C * H * W, x), to = result(cols, col);
      exports.im2col(from, batch, C, H, W, k, to);
      output(to, cols, col);
    },
    col2im(col, batch, C, H, W, k, dx) {
      call();
      const inputs = batch * C * H * W;
      const from = input(C * k * k * batch * (H - k + 1) * (W - k + 1), col), to = result(inputs, dx);
      exports.col2im(from, batch, C, H, W, k, to);
      output(to, inputs, dx);
    },
    mapsToSamples(rows, D, batch, P, bias, y) {
      call();
      const n = D * batch * P;
      const from = input(n, rows), biases = input(D, bias), to = result(n, y);
      exports.mapsToSamples(from, D, batch, P, biases, to);
      output(to, n, y);
    },
    samplesToMaps(dy, D, batch, P, delta, dBias) {
      call();
      const n = D * batch * P;
      const from = input(n, dy), to = result(n, delta), sums = result(D, dBias);
      exports.samplesToMaps(from, D, batch, P, to, sums);
      output(to, n, delta);
      output(sums, D, dBias);
    },
    relu: (x, y, n) => elementwise(x, y, n, (from, to) => exports.relu(from, to, n)),
    reluBackward(y, dy, dx, n) {
      call();
      const out = input(n, y), gradient = input(n, dy), to = result(n, dx);
      exports.reluBackward(out, gradient, to, n);
      output(to, n, dx);
    },
    sigmoid: (x, y, n) => elementwise(x, y, n, (from, to) => exports.sigmoid(from, to, n)),
    tanh: (x, y, n, a, s) => elementwise(x, y, n, (from, to) => exports.tanh(from, to, n, a, s)),
    maxPool(x, maps, H, W, n, y, winner) {
      call();
      const outputs = maps * Math.floor(H / n) * Math.floor(W / n);
      const from = input(maps * H * W, x), to = result(outputs, y), winners = scratch(outputs);
      exports.maxPool(from, maps, H, W, n, to, winners);
      output(to, outputs, y);
      winner.set(heapInts.subarray(winners >> 2, (winners >> 2) + outputs));
    },
    maxPoolBackward(dy, winner, outputs, dx, inputs) {
      call();
      const gradient = input(outputs, dy), winners = scratch(outputs), to = result(inputs, dx);
      heapInts.set(winner.subarray(0, outputs), winners >> 2);
      exports.maxPoolBackward(gradient, winners, outputs, to, inputs);
      output(to, inputs, dx);
    },
    meanOfSlots(slots, count, stride, n, rows, out) {
      call();
      const from = input((count - 1) * stride + n, slots), to = result(n, out);
      const finite = exports.meanOfSlots(from, count, 4 * stride, n, rows, to);
      output(to, n, out);
      return finite !== 0;
    },
    sumOfSquares(x, n) {
      call();
      return exports.sumOfSquares(input(n, x), n);
    },
    sgd(w, g, n, lr, wd, wOut) {
      call();
      const to = result(n, wOut);
      const finite = exports.sgd(input(n, w), input(n, g), n, lr, wd, to);
      output(to, n, wOut);
      return finite !== 0;
    },
    momentum(w, g, vel, n, lr, mu, wd, wOut, velOut) {
      call();
      const to = result(n, wOut), v = result(n, velOut);
      const finite = exports.momentum(input(n, w), input(n, g), input(n, vel), n, lr, mu, wd, to, v);
      output(to, n, wOut);
      output(v, n, velOut);
      return finite !== 0;
    },
    adam(w, g, m, s, n, lr, b1, b2, eps, c1, c2, wd, wOut, mOut, sOut) {
      call();
      const to = result(n, wOut), first = result(n, mOut), second = result(n, sOut);
      const finite = exports.adam(input(n, w), input(n, g), input(n, m), input(n, s), n, lr, b1, b2, eps, c1, c2, wd, to, first, second);
      output(to, n, wOut);
      output(first, n, mOut);
      output(second, n, sOut);
      return finite !== 0;
    },
  };
}

/** Makes every float32 kernel in this thread run on WebAssembly SIMD (on `memory`, by default one of
 *  its own); float64 stays on the TypeScript kernels. */
export function installWasmKernels(wasm: ArrayBuffer | ArrayBufferView | object, memory?: KernelMemory): WasmKernels {
  const kernels = createWasmKernels(wasm, memory);
  setKernels(kernels);
  return kernels;
}
