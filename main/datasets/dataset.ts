// The one in-memory form of every dataset, whatever file or generator it came from.
import { InputError } from '../../engine/errors.ts';

export interface Dataset {
  /** 'mnist', 'iris', 'circle', or the file or folder as given (a dropped file's name, a path): what error messages name. */
  name: string;
  /** rows x featureSize, row-major, on a SharedArrayBuffer so worker threads read it without a copy.
   *  Images hold raw pixel values (0..255 when decoded from PNG, JPEG, IDX or the built-in mnist);
   *  prepareDataset's default min-max normalisation maps them to [0, 1]. */
  features: Float32Array;
  /** rows class indices, on a SharedArrayBuffer. */
  labels: Int32Array;
  rows: number;
  /** [m] for tabular data, [C, H, W] for images. */
  shape: number[];
  /** Class names in class-index order. */
  classNames: string[];
  kind: 'tabular' | 'image';
}

/** A problem with a dataset file: one line, "<file>: row 12, column 3: expected a number, got "abc"". */
export class DatasetError extends InputError {}

const MAX_CLASSES = 65536;

export function featureSize(ds: Pick<Dataset, 'shape'>): number {
  return ds.shape.reduce((a, b) => a * b, 1);
}

export function sharedFloats(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * 4));
}

export function sharedInts(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * 4));
}

/** A cell or value quoted for an error message: short, and on one line whatever it contains. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
}

/**
 * Class indices from raw label values. If every value is a number they must be non-negative
 * integers, used as the class index (names "0".."max"); otherwise the values are class names,
 * numbered in sorted order so that a separate validation file maps the same names the same way.
 * `where(i)` says where value i came from, for errors: "row 12, column 5".
 */
export function classIndices(
  values: ArrayLike<string | number>,
  source: string,
  where: (i: number) => string,
): { labels: Int32Array; classNames: string[] } {
  const n = values.length;
  const labels = sharedInts(n);
  let numeric = true;
  for (let i = 0; i < n && numeric; i++) numeric = isNumber(values[i]);
  if (numeric) {
    let max = 0;
    for (let i = 0; i < n; i++) {
      const v = Number(values[i]);
      if (!Number.isInteger(v) || v < 0) {
        throw new DatasetError(`${source}: ${where(i)}: a label must be a class name or a non-negative integer, got ${quote(String(values[i]))}`);
      }
      if (v >= MAX_CLASSES) {
        throw new DatasetError(`${source}: ${where(i)}: label ${v} is too large (at most ${MAX_CLASSES} classes)`);
      }
      labels[i] = v;
      if (v > max) max = v;
    }
    return { labels, classNames: numberedClasses(max + 1) };
  }
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) index.set(String(values[i]), 0);
  if (index.size > MAX_CLASSES) throw new DatasetError(`${source}: ${index.size} distinct labels (at most ${MAX_CLASSES} classes)`);
  const classNames = [...index.keys()].sort();
  classNames.forEach((name, c) => index.set(name, c));
  for (let i = 0; i < n; i++) labels[i] = index.get(String(values[i]))!;
  return { labels, classNames };
}

/** The names of classes known only by index ("0", "1", ...): numeric labels' classes, and a weights
 *  file's without labels, so that matching classes by name pairs them up. */
export function numberedClasses(count: number): string[] {
  return Array.from({ length: count }, (_, c) => String(c));
}

/** A number as a label: a class index (classIndices). */
export function isNumber(v: string | number): boolean {
  return typeof v === 'number' ? Number.isFinite(v) : v.trim() !== '' && Number.isFinite(Number(v));
}

export function classCounts(labels: Int32Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/** A classifier learns nothing from one class: a training set needs two. The loaders do not ask it
 *  (a validation or test set may well hold one class, the digits a user wants checked, say): what
 *  trains on a dataset does (train, the studio's loadDataset). */
export function requireTwoClasses(ds: Dataset): void {
  const present = classCounts(ds.labels, ds.classNames.length).flatMap((count, c) => (count > 0 ? [ds.classNames[c]] : []));
  if (present.length < 2) {
    throw new DatasetError(`${ds.name}: every row has the same label ${quote(present[0] ?? '')}; a classifier needs at least two classes to train`);
  }
}
