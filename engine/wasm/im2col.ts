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
