// From a path or dropped files to named bytes, with the size limit, gzip and text checks that
// every format shares. A path is read into the same DroppedFile list a drag and drop gives, so
// the CLI, the Electron open dialog and both hosts' drop zones take one code path.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DatasetError } from './dataset.ts';

export type DroppedFile = { name: string; relativePath?: string; bytes: ArrayBuffer | Uint8Array };

export const DEFAULT_MAX_BYTES = 1 << 30;

/** A dropped file's bytes as a Uint8Array view (no copy). */
export function bytesOf(file: DroppedFile): Uint8Array {
  return file.bytes instanceof Uint8Array ? file.bytes : new Uint8Array(file.bytes);
}

/** Where a dropped file is, for messages: its path inside a dropped folder, else its name. */
export function pathOf(file: DroppedFile): string {
  return file.relativePath ?? file.name;
}

/** The file's bytes, gunzipped when they are gzip, and its name without the ".gz". */
export function unpack(file: DroppedFile, maxBytes: number): { bytes: Uint8Array; name: string } {
  const bytes = bytesOf(file);
  if (!isGzip(bytes)) return { bytes, name: file.name };
  return { bytes: gunzip(bytes, pathOf(file), maxBytes), name: file.name.replace(/\.gz$/i, '') };
}

function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${+(n / (1 << 30)).toFixed(1)} GiB`;
  if (n >= 1 << 20) return `${+(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${+(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} bytes`;
}

export function checkSize(size: number, source: string, maxBytes: number): void {
  if (size > maxBytes) {
    throw new DatasetError(`${source}: ${formatBytes(size)} is over the ${formatBytes(maxBytes)} limit for a dataset (maxBytes)`);
  }
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips, stopping at the size limit so that a small file cannot expand past it. zlib checks
 *  the trailer's checksum and length: a truncated or corrupted file is refused, never loaded in
 *  part (the trailer's length alone, read from a truncated file, is four arbitrary bytes). */
export function gunzip(bytes: Uint8Array, source: string, maxBytes: number): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (e) {
    const { code, message } = e as NodeJS.ErrnoException;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw new DatasetError(`${source} (uncompressed): over the ${formatBytes(maxBytes)} limit for a dataset (maxBytes)`);
    if (code === 'Z_BUF_ERROR') throw new DatasetError(`${source}: truncated gzip file (it ends before its compressed data does)`);
    throw new DatasetError(`${source}: not a valid gzip file (${message})`);
  }
}

/** Control bytes in the first 64 KiB mean a binary file, named as such instead of as a parse error. */
export function assertText(bytes: Uint8Array, source: string, format: string): void {
  const end = Math.min(bytes.length, 1 << 16);
  for (let i = 0; i < end; i++) {
    const b = bytes[i];
    if (b < 9 || (b > 13 && b < 32) || b === 127) {
      throw new DatasetError(`${source}: binary data (byte 0x${b.toString(16).padStart(2, '0')} at byte offset ${i}), not a ${format} text file`);
    }
  }
}

const HIDDEN = /^\.|^(Thumbs\.db|desktop\.ini)$/i;

/**
 * A file or a folder on disk as dropped files. A folder is read two levels deep (class
 * sub-folders); relative paths start with the folder's own name, as a dropped folder's do. A
 * file keeps the path as given, which is what its error messages then name.
 * An IDX file brings its partner from the same folder (images <-> labels).
 */
export async function filesFromPath(path: string, maxBytes: number): Promise<DroppedFile[]> {
  const info = await fs(path, () => stat(path));
  if (info.isFile()) {
    const partner = idxPartner(basename(path));
    const paths = [path];
    if (partner) {
      const siblings = await fs(dirname(path), () => readdir(dirname(path)));
      const found = siblings.find((s) => s === partner || s === `${partner}.gz` || `${s}.gz` === partner);
      if (found) paths.push(join(dirname(path), found));
    }
    return readAll(paths.map((p) => ({ path: p, relativePath: p })), path, maxBytes);
  }
  const root = basename(path);
  const entries: { path: string; relativePath: string }[] = [];
  let folders = 0;
  for (const entry of await fs(path, () => readdir(path, { withFileTypes: true }))) {
    if (HIDDEN.test(entry.name)) continue;
    const full = join(path, entry.name);
    if (entry.isFile()) entries.push({ path: full, relativePath: `${root}/${entry.name}` });
    else if (entry.isDirectory()) {
      folders++;
      for (const inner of await fs(full, () => readdir(full, { withFileTypes: true }))) {
        if (inner.isFile() && !HIDDEN.test(inner.name)) {
          entries.push({ path: join(full, inner.name), relativePath: `${root}/${entry.name}/${inner.name}` });
        }
      }
    }
  }
  if (entries.length === 0) {
    // Sub-folders without files: images nested a level too deep, say (digits/train/0/*.png).
    const what = folders ? `no files in it or directly in its ${folders} sub-folder${folders > 1 ? 's' : ''}; expected one sub-folder of images per class` : 'empty folder';
    throw new DatasetError(`${path}: ${what}`);
  }
  return readAll(entries, path, maxBytes);
}

async function readAll(entries: { path: string; relativePath: string }[], source: string, maxBytes: number): Promise<DroppedFile[]> {
  const sizes = await Promise.all(entries.map(async (e) => (await fs(e.path, () => stat(e.path))).size));
  sizes.forEach((size, i) => checkSize(size, entries[i].path, maxBytes));
  checkSize(sizes.reduce((a, b) => a + b, 0), source, maxBytes);
  return Promise.all(
    entries.map(async (e) => ({ name: basename(e.path), relativePath: e.relativePath, bytes: await fs(e.path, () => readFile(e.path)) })),
  );
}

/** A file system call whose failure (permissions, a file vanishing) is the user's to fix. */
async function fs<T>(path: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DatasetError(code === 'ENOENT' ? `${path}: no such file or folder` : `${path}: cannot read it (${code ?? (e as Error).message})`);
  }
}

/** IDX files are paired by name: train-images-idx3-ubyte <-> train-labels-idx1-ubyte. */
export function idxKind(name: string): 'images' | 'labels' | null {
  if (/idx3/i.test(name)) return 'images';
  if (/idx1/i.test(name)) return 'labels';
  return null;
}

export function idxPairKey(name: string): string {
  return name.replace(/\.gz$/i, '').replace(/images|labels/i, '*').replace(/idx[13]/i, 'idx*');
}

function idxPartner(name: string): string | null {
  const kind = idxKind(name);
  if (!kind) return null;
  return kind === 'images'
    ? name.replace(/images/i, 'labels').replace(/idx3/i, 'idx1')
    : name.replace(/labels/i, 'images').replace(/idx1/i, 'idx3');
}
