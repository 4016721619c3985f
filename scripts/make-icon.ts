// Draws the app icon (build/icon.png, 512x512) at packaging time, so no binary is committed:
// a tiny network — three layers of nodes joined by weighted edges — on a rounded square.
import { mkdirSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

const SIZE = 512;
const png = new PNG({ width: SIZE, height: SIZE });

function blend(x: number, y: number, rgb: [number, number, number], alpha: number): void {
  if (x < 0 || y < 0 || x >= SIZE || y >= SIZE || alpha <= 0) return;
  const i = (y * SIZE + x) * 4;
  const a = Math.min(1, alpha);
  for (let c = 0; c < 3; c++) png.data[i + c] = Math.round(png.data[i + c] * (1 - a) + rgb[c] * a);
  png.data[i + 3] = Math.max(png.data[i + 3], Math.round(255 * a));
}

// Background: a rounded square, dark blue.
const radius = 96;
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const dx = Math.max(radius - x, x - (SIZE - 1 - radius), 0);
    const dy = Math.max(radius - y, y - (SIZE - 1 - radius), 0);
    blend(x, y, [22, 33, 62], radius + 0.5 - Math.hypot(dx, dy));
  }
}

const layers = [3, 4, 2].map((n, l) => Array.from({ length: n }, (_, i) => [128 + l * 128, SIZE / 2 + (i - (n - 1) / 2) * 96] as const));

function line(a: readonly [number, number], b: readonly [number, number], rgb: [number, number, number], width: number): void {
  const [x0, y0] = a;
  const [x1, y1] = b;
  const len = Math.hypot(x1 - x0, y1 - y0);
  for (let y = Math.floor(Math.min(y0, y1) - width); y <= Math.max(y0, y1) + width; y++) {
    for (let x = Math.floor(Math.min(x0, x1) - width); x <= Math.max(x0, x1) + width; x++) {
      const t = Math.max(0, Math.min(1, ((x - x0) * (x1 - x0) + (y - y0) * (y1 - y0)) / (len * len)));
      const d = Math.hypot(x - (x0 + t * (x1 - x0)), y - (y0 + t * (y1 - y0)));
      blend(x, y, rgb, (width / 2 + 0.5 - d) * 0.8);
    }
  }
}

for (let l = 0; l + 1 < layers.length; l++) {
  for (const [i, a] of layers[l].entries()) {
    for (const [j, b] of layers[l + 1].entries()) line(a, b, (i + j) % 2 ? [255, 140, 66] : [99, 179, 237], 6);
  }
}
for (const [x, y] of layers.flat()) {
  for (let py = y - 32; py <= y + 32; py++) {
    for (let px = x - 32; px <= x + 32; px++) blend(px, py, [240, 244, 250], 28.5 - Math.hypot(px - x, py - y));
  }
}

mkdirSync('build', { recursive: true });
writeFileSync('build/icon.png', PNG.sync.write(png));
console.log('wrote build/icon.png');
