// AssemblyScript, compiled to WebAssembly SIMD (v128) by scripts/build-wasm.ts.
// Packed, register-blocked single-precision GEMM in the style of Goto & van de Geijn:
// op(A) and op(B) are copied block by block into contiguous panels (which also takes care of the
// transposes and of the ragged edges), and a 4x8 micro-kernel keeps its tile of C in eight v128
// registers while it streams the panels. Products A B^T much deeper than they are wide (filter
// gradients) are dot products instead (dotProducts, below). Plain mul + add: relaxed SIMD's fma does
// not validate here.
// All pointers are byte offsets into the memory; matrices are row-major.

const MR = 4; // rows of C per micro-tile
const NR = 8; // columns of C per micro-tile (two f32x4)
const KC = 256; // depth of a packed block: a KC x NR panel of B (8 KiB) stays in L1
const MC = 64; // rows of a packed block of A (64 KiB, L2)
const NC = 1024; // columns of a packed block of B (1 MiB, L2/L3)

// Workspace: packed A, packed B, one spare tile for the ragged edges. The memory may be shared by
// several threads, each with its own instance of this module: the host gives each instance its own
// workspace (setWorkspace), and globals are per instance.
let packA: usize = 0;
let packB: usize = 0;
let edgeTile: usize = 0;

/** Bytes of workspace an instance needs (64-byte aligned inside). */
export function workspaceBytes(): usize {
  return 63 + (MC * KC + NC * KC + MR * NR) * 4;
}

/** Where this instance's workspace starts: `workspaceBytes()` bytes that no other instance uses. */
export function setWorkspace(at: usize): void {
  packA = (at + 63) & ~63;
  packB = packA + MC * KC * 4;
  edgeTile = packB + NC * KC * 4;
}

/**
 * C = op(A) op(B), or C += op(A) op(B) when `accumulate`; op(A) is m x k, op(B) is k x n.
 * With transA, A is stored k x m (row stride lda); with transB, B is stored n x k.
 */
export function sgemm(
  transA: bool, transB: bool, m: i32, n: i32, k: i32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: bool,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) for (let i = 0; i < m; i++) memory.fill(c + <usize>(i * ldc) * 4, 0, <usize>n * 4);
    return;
  }
  if (transB && !transA && k > 8 * max(m, n)) {
    dotProducts(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    return;
  }
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packPanelsOfB(transB, b, ldb, pc, jc, kc, nc);
      const add = accumulate || pc > 0;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packPanelsOfA(transA, a, lda, ic, pc, mc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bp = packB + <usize>(jr * kc) * 4;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const ap = packA + <usize>(ir * kc) * 4;
            const tile = c + <usize>((ic + ir) * ldc + jc + jr) * 4;
            if (mr == MR && nr == NR) {
              microKernel(kc, ap, bp, tile, <usize>ldc * 4, add);
            } else {
              microKernel(kc, ap, bp, edgeTile, NR * 4, false);
              copyEdge(edgeTile, tile, <usize>ldc * 4, mr, nr, add);
            }
          }
        }
      }
    }
  }
}

// The 4x8 tile of C at `c` (row stride ldcBytes) gets, or gets added, Ap (kc x 4) x Bp (kc x 8).
// @inline keeps the hot loop's accumulators in registers without a call boundary.
@inline
function microKernel(kc: i32, ap: usize, bp: usize, c: usize, ldcBytes: usize, add: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = f32x4.add(c00, f32x4.mul(a, b0)); c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0)); c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0)); c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0)); c31 = f32x4.add(c31, f32x4.mul(a, b1));
    ap += MR * 4;
    bp += NR * 4;
  }
  if (add) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  c += ldcBytes;
  if (add) {
    c10 = f32x4.add(c10, v128.load(c)); c11 = f32x4.add(c11, v128.load(c, 16));
  }
  v128.store(c, c10); v128.store(c, c11, 16);
  c += ldcBytes;
  if (add) {
    c20 = f32x4.add(c20, v128.load(c)); c21 = f32x4.add(c21, v128.load(c, 16));
  }
  v128.store(c, c20); v128.store(c, c21, 16);
  c += ldcBytes;
  if (add) {
    c30 = f32x4.add(c30, v128.load(c)); c31 = f32x4.add(c31, v128.load(c, 16));
  }
  v128.store(c, c30); v128.store(c, c31, 16);
}

function copyEdge(tile: usize, c: usize, ldcBytes: usize, mr: i32, nr: i32, add: bool): void {
  for (let i = 0; i < mr; i++) {
    const src = tile + <usize>(i * NR) * 4;
    const dst = c + <usize>i * ldcBytes;
    for (let j = 0; j < nr; j++) {
      const at = <usize>j * 4;
      store<f32>(dst + at, add ? load<f32>(dst + at) + load<f32>(src + at) : load<f32>(src + at));
    }
  }
}

// op(B)[pc.., jc..] (kc x nc) -> panels of NR columns, each kc rows of NR floats, zero-padded.
function packPanelsOfB(transB: bool, b: usize, ldb: i32, pc: i32, jc: i32, kc: i32, nc: i32): void {
  let dst = packB;
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const j0 = jc + jr;
    if (!transB && nr == NR) {
      let src = b + <usize>(pc * ldb + j0) * 4;
      const stride = <usize>ldb * 4;
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        src += stride;
        dst += NR * 4;
      }
    } else if (transB && nr == NR) {
      // Columns j0..j0+7 of op(B) are rows of B: transpose them four depths at a time.
      const stride = <usize>ldb * 4;
      const row = b + <usize>(j0 * ldb + pc) * 4;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const src = row + <usize>p * 4;
        transpose4(src, stride, dst, NR * 4);
        transpose4(src + 4 * stride, stride, dst + 16, NR * 4);
        dst += 4 * NR * 4;
      }
      for (; p < kc; p++) {
        for (let j = 0; j < NR; j++) store<f32>(dst + <usize>j * 4, load<f32>(row + <usize>j * stride + <usize>p * 4));
        dst += NR * 4;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let j = 0; j < NR; j++) {
          let v: f32 = 0;
          if (j < nr) {
            const at = transB ? (j0 + j) * ldb + pc + p : (pc + p) * ldb + j0 + j;
            v = load<f32>(b + <usize>at * 4);
          }
          store<f32>(dst + <usize>j * 4, v);
        }
        dst += NR * 4;
      }
    }
  }
}

// op(A)[ic.., pc..] (mc x kc) -> panels of MR rows, each kc columns of MR floats, zero-padded.
function packPanelsOfA(transA: bool, a: usize, lda: i32, ic: i32, pc: i32, mc: i32, kc: i32): void {
  let dst = packA;
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    const i0 = ic + ir;
    if (transA && mr == MR) {
      let src = a + <usize>(pc * lda + i0) * 4;
      const stride = <usize>lda * 4;
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        src += stride;
        dst += MR * 4;
      }
    } else if (!transA && mr == MR) {
      // Rows i0..i0+3 of A: transpose them four depths at a time.
      const stride = <usize>lda * 4;
      const row = a + <usize>(i0 * lda + pc) * 4;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        transpose4(row + <usize>p * 4, stride, dst, MR * 4);
        dst += 4 * MR * 4;
      }
      for (; p < kc; p++) {
        for (let i = 0; i < MR; i++) store<f32>(dst + <usize>i * 4, load<f32>(row + <usize>i * stride + <usize>p * 4));
        dst += MR * 4;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let i = 0; i < MR; i++) {
          let v: f32 = 0;
          if (i < mr) {
            const at = transA ? (pc + p) * lda + i0 + i : (i0 + i) * lda + pc + p;
            v = load<f32>(a + <usize>at * 4);
          }
          store<f32>(dst + <usize>i * 4, v);
        }
        dst += MR * 4;
      }
    }
  }
}

// Four floats from each of four rows (src, src + stride, ...) stored as four columns: dst gets the
// first float of each row, dst + dstStride the second, and so on.
@inline
function transpose4(src: usize, stride: usize, dst: usize, dstStride: usize): void {
  const r0 = v128.load(src), r1 = v128.load(src + stride);
  const r2 = v128.load(src + 2 * stride), r3 = v128.load(src + 3 * stride);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(dst + dstStride, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * dstStride, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * dstStride, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

// A B^T with a depth much larger than C (the filter gradients: C1 is 6 x 25 over 784 terms per
// sample): both operands are rows along k, so C is computed as dot products in 2 x 4 tiles read in
// place, with no packing and none of the 4 x 8 tiles' padding on such small M and N.
function dotProducts(m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: bool): void {
  const rowA = <usize>lda * 4, rowB = <usize>ldb * 4, rowC = <usize>ldc * 4;
  for (let i = 0; i < m; i += 2) {
    const rows = min(2, m - i);
    for (let j = 0; j < n; j += 4) {
      dotTile(k, a + <usize>i * rowA, rows > 1 ? rowA : 0, b + <usize>j * rowB, rowB, min(4, n - j),
        c + <usize>i * rowC + <usize>j * 4, rowC, rows, accumulate);
    }
  }
}

// A ragged tile repeats its last row of A (rowA = 0) or column of B (below) so that all reads stay
// in bounds; only its `rows` x `cols` sums are stored.
function dotTile(k: i32, a0: usize, rowA: usize, b0: usize, rowB: usize, cols: i32, c: usize, rowC: usize, rows: i32, accumulate: bool): void {
  const a1 = a0 + rowA;
  const b1 = b0 + (cols > 1 ? rowB : 0), b2 = b0 + (cols > 2 ? 2 * rowB : 0), b3 = b0 + (cols > 3 ? 3 * rowB : 0);
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
  let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
  const end = <usize>(k & ~3) * 4;
  for (let p: usize = 0; p < end; p += 16) {
    const x0 = v128.load(a0 + p), x1 = v128.load(a1 + p);
    const y0 = v128.load(b0 + p), y1 = v128.load(b1 + p), y2 = v128.load(b2 + p), y3 = v128.load(b3 + p);
    s00 = f32x4.add(s00, f32x4.mul(x0, y0)); s01 = f32x4.add(s01, f32x4.mul(x0, y1));
    s02 = f32x4.add(s02, f32x4.mul(x0, y2)); s03 = f32x4.add(s03, f32x4.mul(x0, y3));
    s10 = f32x4.add(s10, f32x4.mul(x1, y0)); s11 = f32x4.add(s11, f32x4.mul(x1, y1));
    s12 = f32x4.add(s12, f32x4.mul(x1, y2)); s13 = f32x4.add(s13, f32x4.mul(x1, y3));
  }
  let t00 = sum4(s00), t01 = sum4(s01), t02 = sum4(s02), t03 = sum4(s03);
  let t10 = sum4(s10), t11 = sum4(s11), t12 = sum4(s12), t13 = sum4(s13);
  for (let p = end; p < <usize>k * 4; p += 4) {
    const x0 = load<f32>(a0 + p), x1 = load<f32>(a1 + p);
    const y0 = load<f32>(b0 + p), y1 = load<f32>(b1 + p), y2 = load<f32>(b2 + p), y3 = load<f32>(b3 + p);
    t00 += x0 * y0; t01 += x0 * y1; t02 += x0 * y2; t03 += x0 * y3;
    t10 += x1 * y0; t11 += x1 * y1; t12 += x1 * y2; t13 += x1 * y3;
  }
  storeRow(c, cols, t00, t01, t02, t03, accumulate);
  if (rows > 1) storeRow(c + rowC, cols, t10, t11, t12, t13, accumulate);
}

@inline
function sum4(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

function storeRow(c: usize, cols: i32, t0: f32, t1: f32, t2: f32, t3: f32, accumulate: bool): void {
  if (accumulate) {
    t0 += load<f32>(c);
    if (cols > 1) t1 += load<f32>(c, 4);
    if (cols > 2) t2 += load<f32>(c, 8);
    if (cols > 3) t3 += load<f32>(c, 12);
  }
  store<f32>(c, t0);
  if (cols > 1) store<f32>(c, t1, 4);
  if (cols > 2) store<f32>(c, t2, 8);
  if (cols > 3) store<f32>(c, t3, 12);
}
