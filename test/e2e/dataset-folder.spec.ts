// A folder of images (one sub-folder per class) chosen with the folder picker becomes an image
// dataset: the files reach the services with their relative paths, as a dropped folder's do.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { test, expect } from './fixtures.ts';

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
