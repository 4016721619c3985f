// MNIST-style preprocessing of a hand-drawn digit, so that a drawing looks like the digits the
// model was trained on: LeCun et al. fitted each digit's bounding box into 20x20 (keeping its
// aspect ratio, anti-aliased), then centred it in 28x28 by its centre of mass.

export interface Gray {
  width: number;
  height: number;
  data: Float32Array; // row-major intensities, 0 = background, 1 = full ink
}

/** Ink of an RGBA image drawn on a transparent canvas: the alpha channel (works in any theme). */
export function inkFromRgba(rgba: Uint8ClampedArray, width: number, height: number): Gray {
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = rgba[4 * i + 3] / 255;
  return { width, height, data };
}

/** Smallest rectangle holding every pixel above `threshold`, or null for a blank image. */
export function boundingBox(img: Gray, threshold = 0.05): { x: number; y: number; width: number; height: number } | null {
  let x0 = img.width, y0 = img.height, x1 = -1, y1 = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.data[y * img.width + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

function crop(img: Gray, box: { x: number; y: number; width: number; height: number }): Gray {
  const data = new Float32Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    const from = (box.y + y) * img.width + box.x;
    data.set(img.data.subarray(from, from + box.width), y * box.width);
  }
  return { width: box.width, height: box.height, data };
}

/** Weights of a 1-D area-averaging resample: dst[j] = sum_i w[j][i] * src[i], each row summing to 1. */
function areaWeights(srcLength: number, dstLength: number): { from: number; weights: number[] }[] {
  const scale = srcLength / dstLength;
  const rows: { from: number; weights: number[] }[] = [];
  for (let j = 0; j < dstLength; j++) {
    const start = j * scale, end = (j + 1) * scale;
    const from = Math.floor(start);
    const weights: number[] = [];
    for (let i = from; i < Math.min(srcLength, Math.ceil(end)); i++) {
      weights.push((Math.min(end, i + 1) - Math.max(start, i)) / scale);
    }
    rows.push({ from, weights });
  }
  return rows;
}

/** Resizes by averaging the source area under each destination pixel (separable, anti-aliased). */
export function resizeArea(img: Gray, width: number, height: number): Gray {
  const horizontal = areaWeights(img.width, width);
  const vertical = areaWeights(img.height, height);
  const rows = new Float32Array(img.height * width);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < width; x++) {
      const { from, weights } = horizontal[x];
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k] * img.data[y * img.width + from + k];
      rows[y * width + x] = sum;
    }
  }
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const { from, weights } = vertical[y];
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k] * rows[(from + k) * width + x];
      data[y * width + x] = sum;
    }
  }
  return { width, height, data };
}

export function centreOfMass(img: Gray): { x: number; y: number } {
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const v = img.data[y * img.width + x];
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  return mass === 0 ? { x: (img.width - 1) / 2, y: (img.height - 1) / 2 } : { x: mx / mass, y: my / mass };
}

/** Places `img` into a size x size field at whole-pixel offsets, clamped so nothing is cut off. */
function place(img: Gray, size: number, left: number, top: number): Gray {
  const x0 = Math.max(0, Math.min(size - img.width, left));
  const y0 = Math.max(0, Math.min(size - img.height, top));
  const data = new Float32Array(size * size);
  for (let y = 0; y < img.height; y++) {
    data.set(img.data.subarray(y * img.width, (y + 1) * img.width), (y0 + y) * size + x0);
  }
  return { width: size, height: size, data };
}

/**
 * A drawing as an MNIST digit: bounding box fitted into `box` x `box` (20), centred by centre of
 * mass in `size` x `size` (28). A blank drawing gives a blank image.
 */
export function mnistStyle(img: Gray, size = 28, box = 20): Gray {
  const bounds = boundingBox(img);
  if (!bounds) return { width: size, height: size, data: new Float32Array(size * size) };
  const scale = box / Math.max(bounds.width, bounds.height);
  const fitted = resizeArea(
    crop(img, bounds),
    Math.max(1, Math.round(bounds.width * scale)),
    Math.max(1, Math.round(bounds.height * scale)),
  );
  const centre = centreOfMass(fitted);
  const middle = (size - 1) / 2;
  return place(fitted, size, Math.round(middle - centre.x), Math.round(middle - centre.y));
}

/** Zero-pads an image evenly on all sides to `width` x `height` (28x28 -> 32x32 for LeNet-5). */
export function pad(img: Gray, width: number, height: number): Gray {
  const left = Math.floor((width - img.width) / 2), top = Math.floor((height - img.height) / 2);
  const data = new Float32Array(width * height);
  for (let y = 0; y < img.height; y++) {
    data.set(img.data.subarray(y * img.width, (y + 1) * img.width), (top + y) * width + left);
  }
  return { width, height, data };
}
