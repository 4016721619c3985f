// AssemblyScript: the optimisers' element-wise steps (as engine/kernels.ts's TypeScript ones, in
// float32 arithmetic) and the mean of the trainer's shard gradients, four floats at a time. On the
// trainer's parameter slices the TypeScript loops cost as much as the MLP's matrix products: their
// divisions and square roots run one at a time, in double precision. Each kernel returns whether all
// it wrote is finite (x - x is 0 for finite x, NaN for NaN and ±Infinity), so that the trainer needs no
// pass of its own to check. n need not be a multiple of 4: the last floats go one at a time.
// The optimisers read the state (w and the moments) from one place and write it to another, which
// may be the same (in place): the trainer steps version v's copy into version v+1's without first
// copying it there.

@inline
function finite(bad: v128): bool {
  return !v128.any_true(bad);
}

@inline
function notFinite(x: v128): v128 {
  return f32x4.ne(f32x4.sub(x, x), f32x4.splat(0));
}

/** out = (slot 0 + slot 1 + ... + slot count-1) / rows, added in slot order; slots are `stride` bytes apart. */
export function meanOfSlots(slots: usize, count: i32, stride: usize, n: i32, rows: f32, out: usize): bool {
  const r = f32x4.splat(rows);
  let bad = i32x4.splat(0);
  let i: usize = 0;
  const end = <usize>n * 4, vectors = end & ~15;
  for (; i < vectors; i += 16) {
    let sum = v128.load(slots + i);
    for (let k = 1; k < count; k++) sum = f32x4.add(sum, v128.load(slots + <usize>k * stride + i));
    sum = f32x4.div(sum, r);
    v128.store(out + i, sum);
    bad = v128.or(bad, notFinite(sum));
  }
  let ok = finite(bad);
  for (; i < end; i += 4) {
    let sum = load<f32>(slots + i);
    for (let k = 1; k < count; k++) sum += load<f32>(slots + <usize>k * stride + i);
    sum /= rows;
    store<f32>(out + i, sum);
    ok = ok && sum - sum == 0;
  }
  return ok;
}

/** sum of x[i]^2 over i < n, in double: the squares of large float32 values overflow float32. */
export function sumOfSquares(x: usize, n: i32): f64 {
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  let i: usize = 0;
  const end = <usize>n * 4, vectors = end & ~15;
  for (; i < vectors; i += 16) {
    const v = v128.load(x + i);
    const a = f64x2.promote_low_f32x4(v), b = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
    lo = f64x2.add(lo, f64x2.mul(a, a));
    hi = f64x2.add(hi, f64x2.mul(b, b));
  }
  let sum = f64x2.extract_lane(lo, 0) + f64x2.extract_lane(lo, 1) + f64x2.extract_lane(hi, 0) + f64x2.extract_lane(hi, 1);
  for (; i < end; i += 4) {
    const v = <f64>load<f32>(x + i);
    sum += v * v;
  }
  return sum;
}

/** wOut = w - lr (g + wd w) */
export function sgd(w: usize, g: usize, n: i32, lr: f32, wd: f32, wOut: usize): bool {
  const LR = f32x4.splat(lr), WD = f32x4.splat(wd);
  let bad = i32x4.splat(0);
  let i: usize = 0;
  const end = <usize>n * 4, vectors = end & ~15;
  for (; i < vectors; i += 16) {
    const wi = v128.load(w + i);
    const next = f32x4.sub(wi, f32x4.mul(LR, f32x4.add(v128.load(g + i), f32x4.mul(WD, wi))));
    v128.store(wOut + i, next);
    bad = v128.or(bad, notFinite(next));
  }
  let ok = finite(bad);
  for (; i < end; i += 4) {
    const wi = load<f32>(w + i);
    const next = wi - lr * (load<f32>(g + i) + wd * wi);
    store<f32>(wOut + i, next);
    ok = ok && next - next == 0;
  }
  return ok;
}

/** velOut = mu vel + g + wd w; wOut = w - lr velOut */
export function momentum(w: usize, g: usize, vel: usize, n: i32, lr: f32, mu: f32, wd: f32, wOut: usize, velOut: usize): bool {
  const LR = f32x4.splat(lr), MU = f32x4.splat(mu), WD = f32x4.splat(wd);
  let bad = i32x4.splat(0);
  let i: usize = 0;
  const end = <usize>n * 4, vectors = end & ~15;
  for (; i < vectors; i += 16) {
    const wi = v128.load(w + i);
    const v = f32x4.add(f32x4.add(f32x4.mul(MU, v128.load(vel + i)), v128.load(g + i)), f32x4.mul(WD, wi));
    v128.store(velOut + i, v);
    const next = f32x4.sub(wi, f32x4.mul(LR, v));
    v128.store(wOut + i, next);
    bad = v128.or(bad, notFinite(next));
  }
  let ok = finite(bad);
  for (; i < end; i += 4) {
    const wi = load<f32>(w + i);
    const v = mu * load<f32>(vel + i) + load<f32>(g + i) + wd * wi;
    store<f32>(velOut + i, v);
    const next = wi - lr * v;
    store<f32>(wOut + i, next);
    ok = ok && next - next == 0;
  }
  return ok;
}

/** g' = g + wd w; mOut = b1 m + (1 - b1) g'; sOut = b2 s + (1 - b2) g'^2;
 *  wOut = w - lr c1 mOut / (sqrt(c2 sOut) + eps), c1 and c2 being the bias corrections 1 / (1 - b^t). */
export function adam(w: usize, g: usize, m: usize, s: usize, n: i32,
  lr: f32, b1: f32, b2: f32, eps: f32, c1: f32, c2: f32, wd: f32, wOut: usize, mOut: usize, sOut: usize): bool {
  const B1 = f32x4.splat(b1), B2 = f32x4.splat(b2), A1 = f32x4.splat(1 - b1), A2 = f32x4.splat(1 - b2);
  const LR = f32x4.splat(lr), C1 = f32x4.splat(c1), C2 = f32x4.splat(c2), EPS = f32x4.splat(eps), WD = f32x4.splat(wd);
  let bad = i32x4.splat(0);
  let i: usize = 0;
  const end = <usize>n * 4, vectors = end & ~15;
  for (; i < vectors; i += 16) {
    const wi = v128.load(w + i);
    const gi = f32x4.add(v128.load(g + i), f32x4.mul(WD, wi));
    const mi = f32x4.add(f32x4.mul(B1, v128.load(m + i)), f32x4.mul(A1, gi));
    const si = f32x4.add(f32x4.mul(B2, v128.load(s + i)), f32x4.mul(A2, f32x4.mul(gi, gi)));
    v128.store(mOut + i, mi);
    v128.store(sOut + i, si);
    const next = f32x4.sub(wi, f32x4.div(f32x4.mul(f32x4.mul(LR, mi), C1), f32x4.add(f32x4.sqrt(f32x4.mul(si, C2)), EPS)));
    v128.store(wOut + i, next);
    bad = v128.or(bad, notFinite(next));
  }
  let ok = finite(bad);
  for (; i < end; i += 4) {
    const wi = load<f32>(w + i);
    const gi = load<f32>(g + i) + wd * wi;
    const mi = b1 * load<f32>(m + i) + (1 - b1) * gi;
    const si = b2 * load<f32>(s + i) + (1 - b2) * (gi * gi); // as the vector lanes associate it
    store<f32>(mOut + i, mi);
    store<f32>(sOut + i, si);
    const next = wi - (lr * mi * c1) / (sqrt<f32>(si * c2) + eps);
    store<f32>(wOut + i, next);
    ok = ok && next - next == 0;
  }
  return ok;
}
