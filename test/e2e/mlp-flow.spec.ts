// The MLP flow, as a user does it: drop a CSV, choose sigmoid and L2, train two epochs, watch the
// loss fall, export the weights, check the file, re-import it and get the same predictions.
import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures.ts';
import { dropFiles, pointsCsv, probabilities, screenshot, setNumber, trainToEnd } from './ui.ts';
import { parseWeights } from '../../engine/weights.ts';
import { Model } from '../../engine/model.ts';

test.use({ viewport: { width: 1400, height: 900 } });

test('MLP: CSV drop, sigmoid + L2, two epochs, export, re-import, same predictions', async ({ app, consoleErrors }) => {
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist');
  await dropFiles(app, [{ name: 'points.csv', text: pointsCsv(300) }]);
  await expect(app.getByTestId('dataset-summary')).toContainText('points.csv: 300 rows, 2 features, 2 classes');
  const preview = app.getByRole('table', { name: 'First rows' });
  await expect(preview.getByRole('columnheader')).toHaveText(['x1', 'x2', 'class']);
  await expect(preview.locator('tbody tr').first()).toHaveText(/^0\.6552\s*0\.3048\s*right$/); // the file's first row

  await app.getByLabel('Activation').selectOption('sigmoid');
  await app.getByLabel('Output and loss').selectOption({ label: 'sigmoid + L2' });
  await expect(app.getByTestId('pairing-explanation')).toContainText('squared distance');
  await setNumber(app, 'Hidden layer 1 width', 8);
  await setNumber(app, 'Learning rate', 0.5);
  await setNumber(app, 'Batch size', 8);
  await setNumber(app, 'Epochs', 2);
  await trainToEnd(app);

  // the loss curve has a point per step and falls, step by step and epoch by epoch
  const curves = app.getByTestId('curves');
  const points = Number(await curves.getAttribute('data-points'));
  const first = Number(await curves.getAttribute('data-first-loss'));
  const last = Number(await curves.getAttribute('data-last-loss'));
  console.log(`loss curve: ${points} points, ${first} -> ${last}`);
  expect(points).toBe(60); // every step, though metrics come throttled (~10/s): 2 epochs of 240 rows in batches of 8
  await expect(app.getByTestId('grad-norms')).toHaveAttribute('data-points', '60'); // the gradient norms too
  expect(last).toBeLessThan(first);
  const [epoch2, epoch1] = (await app.getByTestId('epoch-table').locator('.train-loss').allTextContents()).map(Number); // latest first
  expect(epoch2).toBeLessThan(epoch1);
  await expect(app.getByTestId('confusion-matrix')).toBeVisible();
  // per epoch: the charts are rebuilt with the epoch's lines (uPlot's legend names them)
  await app.getByRole('radio', { name: 'per epoch' }).check();
  await expect(curves.locator('.u-legend').first()).toHaveText('trainvalidation');
  await app.getByRole('radio', { name: 'per step' }).check();
  await expect(curves.locator('.u-legend').first()).toContainText('running mean');
  // the decision boundary: "left" (class 0, blue) on the left of the plane, "right" (orange) on the
  // right; sampled in the plot's margin (a tenth of the range on each side), where no point is drawn
  const rgb = (fx: number, fy: number) =>
    app.getByTestId('decision-boundary').evaluate((c: HTMLCanvasElement, [x, y]) => {
      return Array.from(c.getContext('2d')!.getImageData(Math.round(x * c.width), Math.round(y * c.height), 1, 1).data.slice(0, 3));
    }, [fx, fy]);
  await expect.poll(async () => { const [r, , b] = await rgb(0.03, 0.5); return b > r; }).toBe(true);
  await expect.poll(async () => { const [r, , b] = await rgb(0.97, 0.5); return r > b; }).toBe(true);
  await screenshot(app, 'mlp-flow');

  // the typed row (the file's first row) and the model's answer for it
  const typed = app.getByTestId('typed-row');
  const row = [Number(await typed.getByLabel('x1').inputValue()), Number(await typed.getByLabel('x2').inputValue())];
  const trained = await probabilities(typed);
  expect(trained).toHaveLength(2);

  // export: a download in the browser host; the file validates against the weights format
  const [download] = await Promise.all([app.waitForEvent('download'), app.getByRole('button', { name: 'Export weights…' }).click()]);
  const text = readFileSync((await download.path())!, 'utf8');
  const file = parseWeights(text, download.suggestedFilename());
  expect(file.spec).toMatchObject({ type: 'mlp', inputs: 2, hidden: [8], classes: 2, activation: 'sigmoid', output: 'sigmoid', loss: 'l2' });
  expect(file.labels).toEqual(['left', 'right']);
  // the shown probabilities are the file's model's, computed here independently of the app
  if (file.normalization?.kind !== 'zscore') throw new Error('expected z-score normalisation for a CSV');
  const { mean, std } = file.normalization;
  const x = Float32Array.from(row, (v, j) => (v - mean[j]) / std[j]);
  const expected = Model.create(file.spec, { params: file.params }).predict(x, 1);
  expect(trained).toEqual(Array.from(expected, (p) => `${(p * 100).toFixed(1)} %`));

  // fresh weights change the answer; importing the file brings it back exactly
  await app.getByRole('button', { name: 'Reset' }).click();
  await expect.poll(() => probabilities(typed)).not.toEqual(trained);
  await setNumber(app, 'Hidden layer 1 width', 4); // the model panel then shows the imported model again
  await app.getByLabel('Weights file').setInputFiles({ name: 'points.weights.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await expect(app.getByTestId('weights-message')).toContainText('Imported points.weights.json');
  await expect(app.getByLabel('Hidden layer 1 width', { exact: true })).toHaveValue('8');
  await expect.poll(() => probabilities(typed)).toEqual(trained);

  // an invalid weights file gets its specific error, and the imported weights stay
  const broken = JSON.parse(text);
  broken.tensors[0].shape = [2, 8];
  await app.getByLabel('Weights file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
  await expect(app.getByTestId('weights-error')).toHaveText('broken.json: tensors[0] (hidden.weight): shape: expected [8,2], got [2,8]');
  expect(await probabilities(typed)).toEqual(trained);
  expect(consoleErrors).toEqual([]);
});
