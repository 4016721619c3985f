// Image folders (the DIGITS / Teachable Machine convention): one sub-folder per class of PNG or
// JPEG files, decoded to grayscale and resized to size x size.
//
// Decoding happens here, in plain Node code (pngjs, jpeg-js), not in the renderer with canvas:
// a dropped folder reaches both hosts as bytes anyway (Electron over IPC, the browser host over
// its socket), so this one code path serves the desktop app, the browser host, the CLI and the
// tests alike, and gives the same pixels everywhere.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { classIndices, DatasetError, isNumber, quote, sharedFloats, type Dataset } from './dataset.ts';
import { bytesOf, pathOf, type DroppedFile } from './files.ts';

const MAX_PIXELS = 100e6; // larger images would take gigabytes to decode; no dataset needs them

export function isImageName(name: string): boolean {
  return /\.(png|jpe?g)$/i.test(name);
}

/** Decodes the images; the class of each is the name of the folder holding it. */
export function decodeImageFolder(
  files: DroppedFile[],
  source: string,
  size: number,
  onProgress?: (done: number, total: number) => void,
): Dataset {
  if (!Number.isInteger(size) || size < 1 || size > 1024) throw new DatasetError(`${source}: image size ${size}: expected an integer from 1 to 1024`);
  const sorted = [...files].sort((a, b) => pathOf(a).localeCompare(pathOf(b)));
  const folders = sorted.map((file) => {
    const parts = pathOf(file).split('/');
    if (parts.length < 2) {
      throw new DatasetError(`${pathOf(file)}: an image outside any class folder; load a folder with one sub-folder of images per class`);
    }
    return parts.slice(0, -1).join('/');
  });
  const names = folders.map((folder) => folder.slice(folder.lastIndexOf('/') + 1));
  if (new Set(folders).size === 1) {
    throw new DatasetError(`${source}: all images are in one folder (${quote(names[0])}); expected one sub-folder per class`);
  }
  checkOneFolderPerClass(folders, names, source);
  const pixels = size * size;
  const features = sharedFloats(sorted.length * pixels);
  sorted.forEach((file, i) => {
    decodeImage(bytesOf(file), pathOf(file), size, features.subarray(i * pixels, (i + 1) * pixels));
    onProgress?.(i + 1, sorted.length);
  });
  const { labels, classNames } = classIndices(names, source, (i) => pathOf(sorted[i]));
  return { name: source, features, labels, rows: sorted.length, shape: [1, size, size], classNames, kind: 'image' };
}

/** A class is one folder: two with the same name ("train/0" and "test/0", a dropped train/test pair)
 *  or the same number ("1" and "01": numeric names are class indices) would silently merge. */
function checkOneFolderPerClass(folders: string[], names: string[], source: string): void {
  const numeric = names.every(isNumber);
  const first = new Map<string, string>(); // class -> its first folder
  folders.forEach((folder, i) => {
    const key = numeric ? String(Number(names[i])) : names[i];
    const seen = first.get(key);
    if (seen === undefined) first.set(key, folder);
    else if (seen !== folder) {
      throw new DatasetError(`${source}: the folders ${quote(seen)} and ${quote(folder)} would both be class ${quote(key)}; a class must be one folder: load one set of class folders at a time, or rename one`);
    }
  });
}

/** One PNG or JPEG as size x size grayscale values 0..255, written into `out`: each image of a
 *  folder is decoded so, and predict decodes a single image file so. */
export function decodeImage(bytes: Uint8Array, source: string, size: number, out: Float32Array = new Float32Array(size * size)): Float32Array {
  const { width, height, gray } = decodeGray(bytes, source);
  resizeInto(gray, width, height, out, size);
  return out;
}

/** Grayscale 0..255 by ITU-R BT.601 luma, transparent pixels over black (MNIST's background). */
function decodeGray(bytes: Uint8Array, source: string): { width: number; height: number; gray: Float32Array } {
  const png = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const jpg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  const unreadable = (why: string) => new DatasetError(`${source}: unreadable image (${why})`);
  if (!png && !jpg) throw unreadable('not a PNG or JPEG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (png && bytes.length >= 24 && view.getUint32(16) * view.getUint32(20) > MAX_PIXELS) throw unreadable(`larger than ${MAX_PIXELS / 1e6} megapixels`);
  let image: { width: number; height: number; data: Uint8Array };
  try {
    image = png
      ? PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
      : jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
  } catch (e) {
    // A file cut short lacks its last chunk (PNG's IEND) or marker (JPEG's EOI), and the decoders
    // say so obscurely ("There are some read requests waitng on finished stream", "unknown JPEG marker 0").
    const n = bytes.length;
    const ended = png ? String.fromCharCode(...bytes.subarray(n - 8, n - 4)) === 'IEND' : bytes[n - 2] === 0xff && bytes[n - 1] === 0xd9;
    throw unreadable(ended ? String((e as Error).message ?? e).split('\n')[0] : 'truncated: the file ends before the image does');
  }
  const { width, height, data } = image;
  const gray = new Float32Array(width * height);
  for (let p = 0; p < gray.length; p++) {
    const q = 4 * p;
    gray[p] = ((0.299 * data[q] + 0.587 * data[q + 1] + 0.114 * data[q + 2]) * data[q + 3]) / 255;
  }
  return { width, height, gray };
}

/** Area-average resampling (each output pixel is the mean of the source pixels it covers, by
 *  coverage), which neither aliases when shrinking nor blurs when the size is unchanged. The
 *  image is stretched to a square. */
function resizeInto(src: Float32Array, width: number, height: number, out: Float32Array, size: number): void {
  const sx = width / size;
  const sy = height / size;
  for (let y = 0; y < size; y++) {
    const y0 = y * sy;
    const y1 = y0 + sy;
    for (let x = 0; x < size; x++) {
      const x0 = x * sx;
      const x1 = x0 + sx;
      let sum = 0;
      for (let j = Math.floor(y0); j < y1 && j < height; j++) {
        const wy = Math.min(j + 1, y1) - Math.max(j, y0);
        for (let i = Math.floor(x0); i < x1 && i < width; i++) {
          sum += (Math.min(i + 1, x1) - Math.max(i, x0)) * wy * src[j * width + i];
        }
      }
      out[y * size + x] = sum / (sx * sy);
    }
  }
}
