// AssemblyScript: the smooth activations' forward passes, sigmoid (seed eq. 21) and (scaled) tanh,
// four floats at a time. Math.exp and Math.tanh one element at a time cost the MLP a fifth of its
// matrix products' time. exp follows Cephes' expf (range reduction by ln 2, a degree-5 polynomial,
// 2^n put in the exponent bits): within a few units in the last place of float32, as the tests check
// against the TypeScript ones. The ragged end of an array goes through the same vector code, a lane
// at a time.

/** y = 1 / (1 + e^-x) */
export function sigmoid(x: usize, y: usize, n: i32): void {
  const end = <usize>n * 4, vectors = end & ~15;
  let i: usize = 0;
  for (; i < vectors; i += 16) v128.store(y + i, sigmoid4(v128.load(x + i)));
  for (; i < end; i += 4) store<f32>(y + i, f32x4.extract_lane(sigmoid4(f32x4.splat(load<f32>(x + i))), 0));
}

/** y = a tanh(s x): tanh for a = s = 1, LeNet-5's scaled tanh for a = 1.7159, s = 2/3 */
export function tanh(x: usize, y: usize, n: i32, a: f32, s: f32): void {
  const end = <usize>n * 4, vectors = end & ~15;
  const A = f32x4.splat(a), S = f32x4.splat(s);
  let i: usize = 0;
  for (; i < vectors; i += 16) v128.store(y + i, f32x4.mul(A, tanh4(f32x4.mul(S, v128.load(x + i)))));
  for (; i < end; i += 4) store<f32>(y + i, f32x4.extract_lane(f32x4.mul(A, tanh4(f32x4.mul(S, f32x4.splat(load<f32>(x + i))))), 0));
}

@inline
function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

// tanh |x| = 1 - 2 / (e^(2|x|) + 1), with the sign of x; below |x| = 0.625, where that subtraction
// would cancel, Cephes' tanhf polynomial x + x^3 P(x^2).
@inline
function tanh4(x: v128): v128 {
  const ax = f32x4.abs(x);
  const one = f32x4.splat(1);
  const big = f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(exp4(f32x4.add(ax, ax)), one)));
  const signed = v128.or(big, v128.and(x, i32x4.splat(0x80000000)));
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  return v128.bitselect(small, signed, f32x4.lt(ax, f32x4.splat(0.625)));
}

// e^x for x in [-87.3, 88] (clamped there: e^x stays a normal float32; NaN stays NaN).
@inline
function exp4(x: v128): v128 {
  x = f32x4.max(f32x4.min(x, f32x4.splat(88)), f32x4.splat(-87.3));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341))); // x / ln 2
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375))); // ln 2 in two parts: exact first product
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const er = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  const twoToN = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(er, twoToN);
}
