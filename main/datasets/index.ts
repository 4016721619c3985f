// The dataset layer: every way a dataset arrives (a built-in name, a path, dropped files) ends as
// one Dataset. Loading is pure: it builds new arrays and touches nothing already loaded, so a bad
// file costs the user nothing but its error message.
import { BUILTINS, loadBuiltin, type BuiltinSource } from './builtins.ts';
import { parseCsv, type CsvOptions } from './csv.ts';
import { DatasetError, quote, type Dataset } from './dataset.ts';
import { assertText, checkSize, DEFAULT_MAX_BYTES, filesFromPath, idxKind, idxPairKey, pathOf, unpack, type DroppedFile } from './files.ts';
import { isIdx, parseIdxPair } from './idx.ts';
import { decodeImageFolder, isImageName } from './images.ts';
import { parseJsonDataset } from './json.ts';

export { BUILTINS, DatasetError, type Dataset, type DroppedFile };
export { featureSize, numberedClasses, requireTwoClasses } from './dataset.ts';
export { applyNormalization, matchClasses, prepareDataset, type Normalization, type Prepared } from './prepare.ts';
export { decodeImage, isImageName } from './images.ts';
export { preview, summarize } from './summary.ts';

export type DatasetSource =
  | BuiltinSource
  | { path: string } // a file or folder on disk (CLI, Electron open dialog)
  | { files: DroppedFile[] }; // drag and drop, in both hosts

/** The CSV reader's options (labelColumn, header; image, which JSON takes too), and: */
export interface LoadOptions extends CsvOptions {
  /** Image folders: the side images are resized to. Default 28 (LeNet-5's 32 comes from padding). */
  imageSize?: number;
  /** Largest file (or folder total, or uncompressed size) accepted. Default 1 GiB. */
  maxBytes?: number;
  /** For a progress bar: CSV bytes parsed, or images decoded, so far, of the total. */
  onProgress?: (done: number, total: number) => void;
}

export async function loadDataset(source: DatasetSource, options: LoadOptions = {}): Promise<Dataset> {
  if ('builtin' in source) return loadBuiltin(source);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if ('path' in source) return loadFiles(await filesFromPath(source.path, maxBytes), source.path, maxBytes, options);
  if (source.files.length === 0) throw new DatasetError('nothing was dropped');
  const files = source.files;
  return loadFiles(files, folderName(files) ?? (files.length === 1 ? files[0].name : `${files.length} dropped files`), maxBytes, options);
}

/** A command-line `--dataset` value: a built-in's name, else a path. */
export function sourceFromArg(arg: string): DatasetSource {
  const builtin = BUILTINS.find((b) => b.name === arg);
  return builtin ? { builtin: builtin.name } : { path: arg };
}

/** The dropped folder's name, when the files came from one. */
function folderName(files: DroppedFile[]): string | null {
  const first = files[0].relativePath?.split('/');
  return first && first.length > 1 ? first[0] : null;
}

async function loadFiles(files: DroppedFile[], source: string, maxBytes: number, options: LoadOptions): Promise<Dataset> {
  let total = 0;
  for (const file of files) {
    checkSize(file.bytes.byteLength, pathOf(file), maxBytes);
    total += file.bytes.byteLength;
  }
  checkSize(total, source, maxBytes);

  const idx = files.filter((f) => idxKind(f.name));
  if (idx.length > 0) return loadIdx(idx, source, maxBytes);
  const images = files.filter((f) => isImageName(f.name));
  if (images.length > 0) return decodeImageFolder(images, source, options.imageSize ?? 28, options.onProgress);
  if (files.length > 1) {
    throw new DatasetError(`${source}: ${files.length} files but no images or IDX pair; load one CSV, TSV or JSON file at a time`);
  }
  return loadFile(files[0], options, maxBytes);
}

async function loadFile(file: DroppedFile, options: LoadOptions, maxBytes: number): Promise<Dataset> {
  const source = pathOf(file);
  const { bytes, name } = unpack(file, maxBytes);
  if (bytes.length === 0) throw new DatasetError(`${source}: empty file`);
  if (isIdx(bytes)) {
    throw new DatasetError(`${source}: an IDX file needs its partner (images with labels): load both files, or their folder`);
  }
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    throw new DatasetError(`${source}: a zip archive, which is not read; unpack it and load the file or folder inside`);
  }
  const json = /\.json$/i.test(name);
  const delimited = /\.(csv|tsv|tab|txt)$/i.test(name);
  assertText(bytes, source, json ? 'JSON' : delimited ? name.slice(name.lastIndexOf('.') + 1).toUpperCase() : 'CSV, TSV or JSON');
  if (json || (!delimited && firstNonSpace(bytes) === 0x7b /* { */)) return parseJsonDataset(bytes, source, options);
  return parseCsv(bytes, source, options);
}

function firstNonSpace(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length && i < 1024; i++) if (bytes[i] > 32) return bytes[i];
  return -1;
}

/** The images/labels pair, by name; among several pairs (train and t10k), the training one. */
function loadIdx(files: DroppedFile[], source: string, maxBytes: number): Dataset {
  const pairs = new Map<string, { images?: DroppedFile; labels?: DroppedFile }>();
  for (const file of files) {
    const key = idxPairKey(file.name);
    pairs.set(key, { ...pairs.get(key), [idxKind(file.name)!]: file });
  }
  const complete = [...pairs.values()].filter((p) => p.images && p.labels);
  const chosen = complete.length === 1 ? complete[0] : complete.find((p) => /^train/i.test(p.images!.name));
  if (!chosen) {
    if (complete.length > 1) {
      throw new DatasetError(`${source}: ${complete.length} IDX pairs (${complete.map((p) => quote(p.images!.name)).join(', ')}); load one pair`);
    }
    const lone = files[0];
    const missing = idxKind(lone.name) === 'images' ? 'labels (*-labels-idx1-ubyte)' : 'images (*-images-idx3-ubyte)';
    throw new DatasetError(`${pathOf(lone)}: no matching IDX ${missing} file next to it; load both files, or their folder`);
  }
  const { images, labels } = chosen as { images: DroppedFile; labels: DroppedFile };
  const [imageFile, labelFile] = [unpack(images, maxBytes), unpack(labels, maxBytes)];
  return parseIdxPair({ bytes: imageFile.bytes, source: pathOf(images) }, { bytes: labelFile.bytes, source: pathOf(labels) }, imageFile.name);
}
