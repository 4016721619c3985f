// MNIST's IDX format (http://yann.lecun.com/exdb/mnist/): a 4-byte magic number (0, 0, data
// type, dimension count), the dimensions as big-endian uint32, then the data. Images are
// idx3 (count, rows, columns), labels idx1 (count), both unsigned bytes.
import { classIndices, DatasetError, sharedFloats, type Dataset } from './dataset.ts';

const UBYTE = 0x08;
const TYPE_CODES = [0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e];

export function isIdx(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0 && TYPE_CODES.includes(bytes[2]) && bytes[3] >= 1 && bytes[3] <= 4;
}

interface IdxFile { bytes: Uint8Array; source: string }

/** The dimensions and the data of an IDX file of unsigned bytes with `dims` dimensions. */
function readIdx({ bytes, source }: IdxFile, dims: number, what: string): { shape: number[]; data: Uint8Array } {
  const magic = 0x0800 | dims;
  const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
  if (bytes.length < 4) throw new DatasetError(`${source}: truncated: ${bytes.length} bytes, too short for an IDX header`);
  const found = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  if (found !== magic) {
    const detail = isIdx(bytes) && bytes[2] !== UBYTE ? ' (only unsigned-byte data is supported)' : '';
    throw new DatasetError(`${source}: wrong magic number ${hex(found)} at byte offset 0; expected ${hex(magic)} for IDX ${what}${detail}`);
  }
  const headerBytes = 4 + 4 * dims;
  if (bytes.length < headerBytes) {
    throw new DatasetError(`${source}: truncated at byte offset ${bytes.length}: the IDX header needs ${headerBytes} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i));
  const size = shape.reduce((a, b) => a * b, 1);
  const end = headerBytes + size;
  if (bytes.length < end) {
    throw new DatasetError(`${source}: truncated at byte offset ${bytes.length}: the header announces ${shape.join('x')} bytes of ${what}, ending at byte ${end}`);
  }
  if (bytes.length > end) {
    throw new DatasetError(`${source}: ${bytes.length - end} unexpected bytes after the ${what} data, from byte offset ${end}`);
  }
  return { shape, data: bytes.subarray(headerBytes, end) };
}

export function parseIdxPair(imagesFile: IdxFile, labelsFile: IdxFile, name: string): Dataset {
  const images = readIdx(imagesFile, 3, 'images');
  const labelBytes = readIdx(labelsFile, 1, 'labels');
  const [rows, height, width] = images.shape;
  if (labelBytes.shape[0] !== rows) {
    throw new DatasetError(`${labelsFile.source}: ${labelBytes.shape[0]} labels for the ${rows} images of ${imagesFile.source}`);
  }
  if (rows === 0) throw new DatasetError(`${imagesFile.source}: no images (the header announces 0)`);
  if (height === 0 || width === 0) throw new DatasetError(`${imagesFile.source}: images of ${height}x${width} pixels (the header's size); expected at least 1x1`);
  const features = sharedFloats(images.data.length);
  features.set(images.data);
  const { labels, classNames } = classIndices(labelBytes.data, labelsFile.source, (i) => `label ${i} (byte offset ${8 + i})`);
  return { name, features, labels, rows, shape: [1, height, width], classNames, kind: 'image' };
}
