// Shared by the engine tests: seeded random inputs, the gradient-check assertion, input errors.
import { expect } from 'vitest';
import { InputError } from '../../engine/errors.ts';
import type { GradCheckResult } from '../../engine/gradcheck.ts';
import { Rng } from '../../engine/rng.ts';

/** n values uniform in [lo, hi), seeded. */
export function uniform(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * rng.next());
}

/** n values with |v| in [0.1, 1): away from ReLU's kink at 0. */
export function awayFromZero(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? -1 : 1) * (0.1 + 0.9 * rng.next()));
}

/** Every checked tensor within the relative error bound (backprop-notes: 1e-6), and something checked;
 *  nothing skipped at a kink (these tests' inputs keep away from them, so every value counts). */
export function expectGradientsMatch(results: GradCheckResult[], bound = 1e-6): void {
  expect(results.length).toBeGreaterThan(0);
  for (const r of results) {
    expect(r.checked, r.tensor).toBeGreaterThan(0);
    expect(r.skipped, r.tensor).toBe(0);
    expect(r.maxRelError, r.tensor).toBeLessThan(bound);
  }
}

/** The message of the InputError that f throws (failing the test if it throws nothing or another error). */
export function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}
