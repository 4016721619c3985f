import { describe, expect, it } from 'vitest';
import { boundingBox, centreOfMass, inkFromRgba, mnistStyle, pad, resizeArea, type Gray } from '../../../renderer/src/lib/digit.ts';

function image(width: number, height: number, ink: (x: number, y: number) => number): Gray {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = ink(x, y);
  return { width, height, data };
}

const sum = (img: Gray) => img.data.reduce((a, b) => a + b, 0);

describe('resizeArea', () => {
  it('averages the covered area: 4x4 -> 2x2 gives each 2x2 block mean', () => {
    const src = image(4, 4, (x, y) => y * 4 + x);
    const out = resizeArea(src, 2, 2);
    // blocks by hand: (0+1+4+5)/4, (2+3+6+7)/4, (8+9+12+13)/4, (10+11+14+15)/4
    expect(Array.from(out.data)).toEqual([2.5, 4.5, 10.5, 12.5]);
  });

  it('splits pixels fractionally: 3 -> 2 columns weights 2/3,1/3 and 1/3,2/3', () => {
    const out = resizeArea(image(3, 1, (x) => [3, 6, 9][x]), 2, 1);
    expect(out.data[0]).toBeCloseTo((3 * 1 + 6 * 0.5) / 1.5, 6);
    expect(out.data[1]).toBeCloseTo((6 * 0.5 + 9 * 1) / 1.5, 6);
  });

  it('preserves the mean intensity when enlarging', () => {
    const src = image(5, 3, (x, y) => ((x * 7 + y * 3) % 5) / 4);
    const out = resizeArea(src, 13, 11);
    expect(sum(out) / (13 * 11)).toBeCloseTo(sum(src) / 15, 5);
  });
});

describe('mnistStyle', () => {
  it('fits the bounding box into 20 px and centres the mass in 28x28', () => {
    // a 40x20 bar far off-centre in a 200x200 drawing
    const drawing = image(200, 200, (x, y) => (x >= 150 && x < 190 && y >= 10 && y < 30 ? 1 : 0));
    const digit = mnistStyle(drawing);
    expect([digit.width, digit.height]).toEqual([28, 28]);
    const box = boundingBox(digit)!;
    expect([box.width, box.height]).toEqual([20, 10]); // aspect ratio kept, longer side 20
    const com = centreOfMass(digit);
    expect(Math.abs(com.x - 13.5)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(com.y - 13.5)).toBeLessThanOrEqual(0.5);
    expect(sum(digit)).toBeCloseTo(200, 3); // full ink over 20x10 pixels
  });

  it('keeps a lopsided digit inside the field', () => {
    // a thin bar and a heavy blob in the far corner: the centre of mass is near the box edge
    const drawing = image(100, 100, (x, y) => (x < 10 ? 1 : 0) + (x > 90 && y < 10 ? 40 : 0));
    const digit = mnistStyle(drawing);
    const box = boundingBox(digit)!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(28);
    expect(box.height).toBe(20);
  });

  it('gives a blank image for a blank drawing', () => {
    expect(sum(mnistStyle(image(50, 50, () => 0)))).toBe(0);
  });
});

describe('pad and ink', () => {
  it('pads 28x28 to 32x32 with two pixels on each side', () => {
    const padded = pad(image(28, 28, (x, y) => (x === 0 && y === 0 ? 1 : 0)), 32, 32);
    expect(padded.data[2 * 32 + 2]).toBe(1);
    expect(sum(padded)).toBe(1);
  });

  it('reads ink from the alpha channel', () => {
    const rgba = new Uint8ClampedArray([0, 0, 0, 255, 255, 255, 255, 0]);
    expect(Array.from(inkFromRgba(rgba, 2, 1).data)).toEqual([1, 0]);
  });
});
