// What the UI and `inspect` show of a dataset: counts, ranges, the first rows or images. The
// summary's type is the contract's (it crosses to the renderer as is).
import type { DatasetSummary } from '../api/contract.ts';
import { classCounts, featureSize, type Dataset } from './dataset.ts';

export interface PreviewImage {
  width: number;
  height: number;
  /** Grayscale 0..255, row-major; each image stretched from its own darkest to its brightest value.
   *  The array owns its whole buffer, so the buffer crosses a process boundary as is. */
  pixels: Uint8Array<ArrayBuffer>;
  label: number;
}

export interface DatasetPreview {
  /** Tabular: the first rows' features, and their labels. */
  rows?: number[][];
  labels?: number[];
  /** Images: the first images (channel 0). */
  images?: PreviewImage[];
  classCounts: number[];
}

export function summarize(ds: Dataset): DatasetSummary {
  const m = featureSize(ds);
  const featureMin = new Array<number>(m).fill(Infinity);
  const featureMax = new Array<number>(m).fill(-Infinity);
  const x = ds.features;
  for (let i = 0; i < x.length; i += m) {
    for (let j = 0; j < m; j++) {
      const v = x[i + j];
      if (v < featureMin[j]) featureMin[j] = v;
      if (v > featureMax[j]) featureMax[j] = v;
    }
  }
  return { name: ds.name, kind: ds.kind, rows: ds.rows, shape: ds.shape, classNames: ds.classNames, classCounts: classCounts(ds.labels, ds.classNames.length), featureMin, featureMax };
}

export function preview(ds: Dataset, count = ds.kind === 'image' ? 16 : 5): DatasetPreview {
  const m = featureSize(ds);
  const n = Math.min(count, ds.rows);
  const counts = classCounts(ds.labels, ds.classNames.length);
  if (ds.kind === 'tabular') {
    const rows = Array.from({ length: n }, (_, r) => Array.from(ds.features.subarray(r * m, (r + 1) * m)));
    return { rows, labels: Array.from(ds.labels.subarray(0, n)), classCounts: counts };
  }
  const [, height, width] = ds.shape;
  const images = Array.from({ length: n }, (_, r) => {
    const values = ds.features.subarray(r * m, r * m + height * width);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const scale = hi > lo ? 255 / (hi - lo) : 0;
    const pixels = Uint8Array.from(values, (v) => Math.round((v - lo) * scale));
    return { width, height, pixels, label: ds.labels[r] };
  });
  return { images, classCounts: counts };
}
