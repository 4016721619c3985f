// AssemblyScript: ReLU forward and backward and max pooling, as the TypeScript kernels of the same
// names in engine/kernels.ts compute them, without their data-dependent branches: on a layer's
// random signs those branches mispredict about half the time, which made these passes cost as much
// as the convolutions around them. Pointers are byte offsets into this module's memory.

/** y = x where x > 0, else +0 (so NaN and -0 give +0, as in TypeScript). */
export function relu(x: usize, y: usize, n: i32): void {
  const zero = f32x4.splat(0);
  const end = <usize>n * 4;
  let i: usize = 0;
  for (; i + 16 <= end; i += 16) {
    const v = v128.load(x + i);
    v128.store(y + i, v128.and(v, f32x4.gt(v, zero)));
  }
  for (; i < end; i += 4) {
    store<i32>(y + i, select<i32>(load<i32>(x + i), 0, load<f32>(x + i) > 0));
  }
}

/** dx = dy where y > 0, else +0. */
export function reluBackward(y: usize, dy: usize, dx: usize, n: i32): void {
  const zero = f32x4.splat(0);
  const end = <usize>n * 4;
  let i: usize = 0;
  for (; i + 16 <= end; i += 16) {
    v128.store(dx + i, v128.and(v128.load(dy + i), f32x4.gt(v128.load(y + i), zero)));
  }
  for (; i < end; i += 4) {
    store<i32>(dx + i, select<i32>(load<i32>(dy + i), 0, load<f32>(y + i) > 0));
  }
}

/** Max over n x n windows, stride n, of `maps` H x W maps: y gets each window's maximum, winner the
 *  index in x of its first maximum in scan order. */
export function maxPool(x: usize, maps: i32, H: i32, W: i32, n: i32, y: usize, winner: usize): void {
  const outH = H / n, outW = W / n;
  let out: usize = 0;
  for (let m = 0; m < maps; m++) {
    const map = m * H * W;
    for (let i = 0; i < outH; i++) {
      let j = 0;
      if (n == 2) {
        for (; j + 4 <= outW; j += 4) {
          maxPool2x4(x, map + 2 * i * W + 2 * j, W, y + out, winner + out);
          out += 16;
        }
      }
      for (; j < outW; j++) {
        let best = map + i * n * W + j * n;
        let maxBits = load<i32>(x + <usize>best * 4);
        for (let a = 0; a < n; a++) {
          const row = map + (i * n + a) * W + j * n;
          for (let b = 0; b < n; b++) {
            const at = x + <usize>(row + b) * 4;
            // selects on integers: V8 turns those into conditional moves, float selects into branches
            const better = load<f32>(at) > reinterpret<f32>(maxBits);
            best = select<i32>(row + b, best, better);
            maxBits = select<i32>(load<i32>(at), maxBits, better);
          }
        }
        store<i32>(winner + out, best);
        store<i32>(y + out, maxBits);
        out += 4;
      }
    }
  }
}

/** The adjoint of maxPool: dx = 0 over `inputs`, then dx[winner[o]] = dy[o] for o < outputs. */
export function maxPoolBackward(dy: usize, winner: usize, outputs: i32, dx: usize, inputs: i32): void {
  memory.fill(dx, 0, <usize>inputs * 4);
  for (let o: usize = 0, end = <usize>outputs * 4; o < end; o += 4) {
    store<f32>(dx + (<usize>load<i32>(winner + o) << 2), load<f32>(dy + o));
  }
}

// Four adjacent 2x2 windows at once, starting at index `first` of x: each f32x4 holds one position
// of the four windows, visited in scan order so that ties keep the first, as in the scalar loop.
@inline
function maxPool2x4(x: usize, first: i32, W: i32, y: usize, winner: usize): void {
  const top = x + <usize>first * 4, bottom = top + <usize>W * 4;
  const t0 = v128.load(top), t1 = v128.load(top, 16), b0 = v128.load(bottom), b1 = v128.load(bottom, 16);
  const index = i32x4.add(i32x4.splat(first), i32x4(0, 2, 4, 6));
  let max = v128.shuffle<f32>(t0, t1, 0, 2, 4, 6);
  let best = index;
  let v = v128.shuffle<f32>(t0, t1, 1, 3, 5, 7);
  let better = f32x4.gt(v, max);
  max = v128.bitselect(v, max, better);
  best = v128.bitselect(i32x4.add(index, i32x4.splat(1)), best, better);
  v = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6);
  better = f32x4.gt(v, max);
  max = v128.bitselect(v, max, better);
  best = v128.bitselect(i32x4.add(index, i32x4.splat(W)), best, better);
  v = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
  better = f32x4.gt(v, max);
  max = v128.bitselect(v, max, better);
  best = v128.bitselect(i32x4.add(index, i32x4.splat(W + 1)), best, better);
  v128.store(y, max);
  v128.store(winner, best);
}
