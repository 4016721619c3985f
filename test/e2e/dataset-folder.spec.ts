// Datasets in the shapes users bring them: a folder of images (one sub-folder per class) chosen
// with the folder picker, and a CSV whose columns are an image with its label column named.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { test, expect } from './fixtures.ts';
import { dropFiles } from './ui.ts';

/** A 28x28 grayscale PNG: a vertical bar ("one") or a horizontal one ("dash"). */
function png(vertical: boolean, shift: number): Buffer {
  const image = new PNG({ width: 28, height: 28 });
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const ink = vertical ? Math.abs(x - 14 - shift) < 2 && y > 4 && y < 24 : Math.abs(y - 14 - shift) < 2 && x > 4 && x < 24;
      const i = 4 * (y * 28 + x);
      image.data[i] = image.data[i + 1] = image.data[i + 2] = ink ? 255 : 0;
      image.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(image);
}

test('an image folder picked with the folder picker loads as an image dataset', async ({ app, consoleErrors }) => {
  const root = join(mkdtempSync(join(tmpdir(), 'bps-folder-')), 'strokes');
  for (const [cls, vertical] of [['one', true], ['dash', false]] as const) {
    mkdirSync(join(root, cls), { recursive: true });
    for (let k = 0; k < 3; k++) writeFileSync(join(root, cls, `${k}.png`), png(vertical, k - 1));
  }
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist');
  await app.getByLabel('Dataset folder').setInputFiles(root);
  await expect(app.getByTestId('dataset-summary')).toContainText('6 rows, 1×28×28 images, 2 classes');
  const images = app.getByTestId('dataset-preview').getByRole('img');
  await expect(images).toHaveCount(6);
  await expect(app.getByRole('figure', { name: 'Class histogram' })).toContainText('dash');
  expect(consoleErrors).toEqual([]);
});

test('CSV options: a named label column first, the other columns a square image', async ({ app, consoleErrors }) => {
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist');
  await app.getByText('CSV options').click();
  await app.getByLabel(/Label column/).fill('digit');
  await app.getByLabel(/Columns are a square image/).check();
  const header = ['digit', ...Array.from({ length: 16 }, (_, i) => `p${i}`)].join(',');
  const rows = Array.from({ length: 6 }, (_, r) => [r % 2, ...Array.from({ length: 16 }, (_, i) => ((i + r) % 4) * 60)].join(','));
  await dropFiles(app, [{ name: 'tiny-images.csv', text: [header, ...rows].join('\n') }]);
  await expect(app.getByTestId('dataset-summary')).toContainText('tiny-images.csv: 6 rows, 1×4×4 images, 2 classes');
  await expect(app.getByTestId('dataset-preview').getByRole('img')).toHaveCount(6);
  expect(consoleErrors).toEqual([]);
});
