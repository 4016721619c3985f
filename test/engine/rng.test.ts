import { describe, expect, it } from 'vitest';
import { Rng } from '../../engine/rng.ts';

// An independent sfc32 and splitmix32 in BigInt arithmetic, written from the definitions
// (PractRand's sfc32: shifts 9 and 3, rotation 21; splitmix32 with hash-prospector constants).
const M = 0xffffffffn;
const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (32n - r))) & M;
function refSfc32(state: bigint[]): () => bigint {
  let [a, b, c, d] = state;
  return () => {
    const t = (a + b + d) & M;
    d = (d + 1n) & M;
    a = b ^ (b >> 9n);
    b = (c + (c << 3n)) & M;
    c = (rotl(c, 21n) + t) & M;
    return t;
  };
}
function refSeedState(seed: number): bigint[] {
  let s = BigInt(seed >>> 0);
  const next = () => {
    s = (s + 0x9e3779b9n) & M;
    let t = s ^ (s >> 16n);
    t = (t * 0x21f0aaadn) & M;
    t ^= t >> 15n;
    t = (t * 0x735a2d97n) & M;
    return t ^ (t >> 15n);
  };
  return [next(), next(), next(), next()];
}

describe('Rng', () => {
  it('is sfc32 seeded by splitmix32 with 12 outputs discarded', () => {
    for (const seed of [0, 1, 42, 0xffffffff]) {
      const ref = refSfc32(refSeedState(seed));
      for (let i = 0; i < 12; i++) ref();
      const rng = new Rng(seed);
      for (let i = 0; i < 1000; i++) expect(rng.nextUint32()).toBe(Number(ref()));
    }
  });

  it('same seed gives the same stream; nearby seeds give unrelated ones', () => {
    const a = new Rng(7), b = new Rng(7), c = new Rng(8);
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs);
    const ys = Array.from({ length: 100 }, () => c.next());
    expect(xs.filter((x, i) => x === ys[i]).length).toBe(0);
  });

  it('getState/setState resumes exactly (checkpoints)', () => {
    const a = new Rng(3);
    for (let i = 0; i < 57; i++) a.normal();
    const saved = JSON.parse(JSON.stringify(a.getState())) as number[];
    const expected = [a.next(), a.normal(), a.int(10)];
    const b = new Rng(999);
    b.setState(saved);
    expect([b.next(), b.normal(), b.int(10)]).toEqual(expected);
    expect(() => b.setState([1, 2, 3])).toThrow(RangeError);
    expect(() => b.setState([1, 2, 3, 2 ** 32])).toThrow(RangeError);
  });

  it('next() is uniform on [0,1): mean 1/2, variance 1/12', () => {
    const rng = new Rng(11);
    const n = 100_000;
    let sum = 0, sum2 = 0, min = 1, max = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.next();
      sum += x; sum2 += x * x; min = Math.min(min, x); max = Math.max(max, x);
    }
    const mean = sum / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005); // 5 standard errors (0.00091)
    expect(Math.abs(sum2 / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
  });

  it('normal() has mean 0, variance 1 and the normal tail mass', () => {
    const rng = new Rng(12);
    const n = 100_000;
    let sum = 0, sum2 = 0, beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.normal();
      sum += x; sum2 += x * x;
      if (Math.abs(x) > 2) beyond2++;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.016); // 5 standard errors
    expect(Math.abs(sum2 / n - 1)).toBeLessThan(0.025);
    // P(|Z| > 2) = 0.0455; binomial standard error 0.00066
    expect(Math.abs(beyond2 / n - 0.0455)).toBeLessThan(0.0035);
  });

  it('int(n) is uniform over 0..n-1 (chi-square)', () => {
    const rng = new Rng(13);
    const n = 7, draws = 70_000;
    const counts = new Array(n).fill(0);
    for (let i = 0; i < draws; i++) counts[rng.int(n)]++;
    const e = draws / n;
    const chi2 = counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
    expect(chi2).toBeLessThan(22.46); // chi-square, 6 degrees of freedom, p = 0.001
  });

  it('shuffle() is a permutation and makes all 6 orders of 3 equally likely', () => {
    const rng = new Rng(14);
    const counts = new Map<string, number>();
    const trials = 60_000;
    for (let i = 0; i < trials; i++) {
      const a = [0, 1, 2];
      rng.shuffle(a);
      counts.set(a.join(''), (counts.get(a.join('')) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['012', '021', '102', '120', '201', '210']);
    const e = trials / 6;
    const chi2 = [...counts.values()].reduce((s, c) => s + (c - e) ** 2 / e, 0);
    expect(chi2).toBeLessThan(20.52); // 5 degrees of freedom, p = 0.001
    const big = Int32Array.from({ length: 1000 }, (_, i) => i);
    rng.shuffle(big);
    expect(Array.from(big).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});
