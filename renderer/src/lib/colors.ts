// Colours for classes, heat maps and weight images. Pure, so the canvases stay simple.

/** Ten well-separated hues (Tableau 10), repeated for more classes. */
const PALETTE = [
  [78, 121, 167], [242, 142, 43], [225, 87, 89], [118, 183, 178], [89, 161, 79],
  [237, 201, 72], [176, 122, 161], [255, 157, 167], [156, 117, 95], [186, 176, 172],
] as const;

function classRgb(index: number): readonly [number, number, number] {
  return PALETTE[index % PALETTE.length];
}

export function classColor(index: number): string {
  const [r, g, b] = classRgb(index);
  return `rgb(${r} ${g} ${b})`;
}

/** Diverging blue-white-red for signed values in [-1, 1] (weights scaled by their max |w|). */
function diverging(v: number): [number, number, number] {
  const t = Math.max(-1, Math.min(1, v));
  return t >= 0
    ? [255, Math.round(255 * (1 - t * 0.8)), Math.round(255 * (1 - t))]
    : [Math.round(255 * (1 + t)), Math.round(255 * (1 + t * 0.6)), 255];
}

/**
 * Writes signed values as RGBA pixels, scaled so the largest |value| is full colour.
 * Used for learned filters and feature maps.
 */
export function signedToRgba(values: ArrayLike<number>, out: Uint8ClampedArray): void {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]));
  const scale = max > 0 ? 1 / max : 0;
  for (let i = 0; i < values.length; i++) {
    const [r, g, b] = diverging(values[i] * scale);
    out[4 * i] = r;
    out[4 * i + 1] = g;
    out[4 * i + 2] = b;
    out[4 * i + 3] = 255;
  }
}

/**
 * Decision-boundary pixel: the predicted class's colour, faded towards transparent as the
 * model's confidence drops to chance (1 / classes).
 */
export function boundaryRgba(probabilities: ArrayLike<number>, offset: number, classes: number): [number, number, number, number] {
  let best = 0;
  for (let c = 1; c < classes; c++) if (probabilities[offset + c] > probabilities[offset + best]) best = c;
  const chance = 1 / classes;
  const confidence = classes > 1 ? (probabilities[offset + best] - chance) / (1 - chance) : 1;
  const [r, g, b] = classRgb(best);
  return [r, g, b, Math.round(40 + 140 * Math.max(0, Math.min(1, confidence)))];
}

/** Grayscale pixels (0 = black) as opaque RGBA. */
export function grayToRgba(pixels: ArrayLike<number>, scale = 1): Uint8ClampedArray {
  const out = new Uint8ClampedArray(pixels.length * 4);
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i] * scale;
    out[4 * i] = out[4 * i + 1] = out[4 * i + 2] = v;
    out[4 * i + 3] = 255;
  }
  return out;
}
