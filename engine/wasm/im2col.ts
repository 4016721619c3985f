// AssemblyScript: the batched im2col and its adjoint col2im of engine/kernels.ts, with the same
// layouts (x [batch][C][H][W]; col [C*k*k][batch*Ho*Wo], row (c*k + m)*k + n holding in[c][i+m][j+n]
// at column b*Ho*Wo + i*Wo + j), moving four floats per v128 instead of one per scalar step.
// Pointers are byte offsets into this module's memory.

/** col = im2col(x) for a stride-1 "valid" k x k window. */
export function im2col(x: usize, batch: i32, C: i32, H: i32, W: i32, k: i32, col: usize): void {
  const Ho = H - k + 1, Wo = W - k + 1;
  let dst = col;
  for (let c = 0; c < C; c++) {
    for (let m = 0; m < k; m++) {
      for (let n = 0; n < k; n++) {
        for (let b = 0; b < batch; b++) {
          let src = x + <usize>(((b * C + c) * H + m) * W + n) * 4;
          for (let i = 0; i < Ho; i++) {
            copyRow(src, dst, Wo);
            src += <usize>W * 4;
            dst += <usize>Wo * 4;
          }
        }
      }
    }
  }
}

/** dx = 0, then each col entry is added back where im2col copied it from. */
export function col2im(col: usize, batch: i32, C: i32, H: i32, W: i32, k: i32, dx: usize): void {
  const Ho = H - k + 1, Wo = W - k + 1;
  memory.fill(dx, 0, <usize>(batch * C * H * W) * 4);
  let src = col;
  for (let c = 0; c < C; c++) {
    for (let m = 0; m < k; m++) {
      for (let n = 0; n < k; n++) {
        for (let b = 0; b < batch; b++) {
          let dst = dx + <usize>(((b * C + c) * H + m) * W + n) * 4;
          for (let i = 0; i < Ho; i++) {
            addRow(src, dst, Wo);
            src += <usize>Wo * 4;
            dst += <usize>W * 4;
          }
        }
      }
    }
  }
}

@inline
function copyRow(src: usize, dst: usize, n: i32): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) v128.store(dst + <usize>j * 4, v128.load(src + <usize>j * 4));
  for (; j < n; j++) store<f32>(dst + <usize>j * 4, load<f32>(src + <usize>j * 4));
}

@inline
function addRow(src: usize, dst: usize, n: i32): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const at = <usize>j * 4;
    v128.store(dst + at, f32x4.add(v128.load(dst + at), v128.load(src + at)));
  }
  for (; j < n; j++) {
    const at = <usize>j * 4;
    store<f32>(dst + at, load<f32>(dst + at) + load<f32>(src + at));
  }
}

/** y[b][d][p] = rows[d][b*P + p] + bias[d]: a convolution's product, one row per output map over
 *  the whole batch, to each sample's maps, biased (seed eq. 26's b[d]). */
export function mapsToSamples(rows: usize, D: i32, batch: i32, P: i32, bias: usize, y: usize): void {
  const bytes = <usize>P * 4, vectors = bytes & ~15;
  for (let d = 0; d < D; d++) {
    const b1 = load<f32>(bias + (<usize>d << 2)), b4 = f32x4.splat(b1);
    for (let b = 0; b < batch; b++) {
      const src = rows + (<usize>d * batch + b) * bytes, dst = y + (<usize>b * D + d) * bytes;
      let i: usize = 0;
      for (; i < vectors; i += 16) v128.store(dst + i, f32x4.add(v128.load(src + i), b4));
      for (; i < bytes; i += 4) store<f32>(dst + i, load<f32>(src + i) + b1);
    }
  }
}

/** The adjoint: delta[d][b*P + p] = dy[b][d][p], and dBias[d] = the sum of dy[.][d][.] (eq. 31). */
export function samplesToMaps(dy: usize, D: i32, batch: i32, P: i32, delta: usize, dBias: usize): void {
  const bytes = <usize>P * 4, vectors = bytes & ~15;
  for (let d = 0; d < D; d++) {
    let sum4 = f32x4.splat(0), sum1: f32 = 0;
    for (let b = 0; b < batch; b++) {
      const src = dy + (<usize>b * D + d) * bytes, dst = delta + (<usize>d * batch + b) * bytes;
      let i: usize = 0;
      for (; i < vectors; i += 16) {
        const v = v128.load(src + i);
        v128.store(dst + i, v);
        sum4 = f32x4.add(sum4, v);
      }
      for (; i < bytes; i += 4) {
        const v = load<f32>(src + i);
        store<f32>(dst + i, v);
        sum1 += v;
      }
    }
    store<f32>(dBias + (<usize>d << 2),
      f32x4.extract_lane(sum4, 0) + f32x4.extract_lane(sum4, 1) + f32x4.extract_lane(sum4, 2) + f32x4.extract_lane(sum4, 3) + sum1);
  }
}
