// The "Backprop, one sample" view: one sample's forward and backward pass, every quantity with its
// equation. Checked on the values it DISPLAYS: with softmax + cross-entropy each shown entry of
// delta2 is the shown y minus t, the shown loss is -ln y[label], dW2 = delta2 h^T, db2 = delta2, and
// ReLU's delta1 is dL/dh where o1 > 0 and 0 elsewhere; it follows the chosen sample and the weights.
// Then LeNet-5's pass lists c1 ... output with images of its maps, kernels and heatmaps.
import { test, expect } from './fixtures.ts';
import { dropFiles, pointsCsv, probabilities, screenshot, setNumber, trainToEnd } from './ui.ts';
import type { Locator } from '@playwright/test';

test.use({ viewport: { width: 1400, height: 900 } });

/** The numbers a row shows (in the order shown). */
async function shown(view: Locator, key: string, cell = '.value'): Promise<number[]> {
  const texts = await view.locator(`[data-quantity="${key}"] ${cell}`).allTextContents();
  return texts.map(Number);
}

/** |a - b| within what 4 significant digits of each number leave. */
function expectNear(actual: number, expected: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(2e-3 * Math.abs(expected) + 1.01e-4);
}

test('MLP: the shown delta2 is y - t, the loss -ln y[label], dW2 = delta2 h^T; it follows the sample and the weights', async ({ app, consoleErrors }) => {
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist');
  await dropFiles(app, [{ name: 'points.csv', text: pointsCsv(300) }]);
  await expect(app.getByTestId('dataset-summary')).toContainText('points.csv: 300 rows');
  await app.getByLabel('Activation').selectOption('relu');
  await app.getByLabel('Output and loss').selectOption({ label: 'softmax + cross-entropy' });
  await setNumber(app, 'Hidden layer 1 width', 4);
  await setNumber(app, 'Batch size', 8);
  await setNumber(app, 'Epochs', 1);
  await trainToEnd(app);

  await setNumber(app, 'Validation sample to classify', 5);
  await app.getByText('Backprop, one sample').click();
  const view = app.locator('details.backprop');
  await expect(view.getByTestId('backprop-summary')).toContainText('Validation sample 5 of 60');
  await expect(view).toContainText('a training step averages them over its mini-batch');
  const rows = async (list: string) => view.getByRole('list', { name: list }).locator(':scope > li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-quantity')));
  expect(await rows('Forward pass')).toEqual(['x', 'forward:hidden', 'forward:hidden.relu', 'forward:output', 'y', 'loss']);
  expect(await rows('Backward pass')).toEqual(['delta:output', 'grad:output.weight', 'grad:output.bias', 'delta:hidden.relu', 'delta:hidden', 'grad:hidden.weight', 'grad:hidden.bias']);
  await expect(view.locator('[data-quantity="delta:output"]')).toContainText('δ2 = ∂L/∂o2 = y − t');

  const y = await shown(view, 'y'), t = await shown(view, 'y', '.target');
  const delta2 = await shown(view, 'delta:output');
  const [loss] = await shown(view, 'loss');
  console.log(`sample 5: y ${y}, t ${t}, delta2 ${delta2}, loss ${loss}`);
  expect([...t].sort()).toEqual([0, 1]);
  expect(delta2).toHaveLength(2);
  delta2.forEach((d, i) => expectNear(d, y[i] - t[i], `delta2[${i}] vs y - t`));
  expectNear(loss, -Math.log(y[t.indexOf(1)]), 'loss vs -ln y[label]');
  // dW2 = delta2 h^T (a 2x4 grid), db2 = delta2
  const h = await shown(view, 'forward:hidden.relu');
  const dW2 = await shown(view, 'grad:output.weight');
  expect(h).toHaveLength(4);
  expect(dW2).toHaveLength(8);
  dW2.forEach((g, k) => expectNear(g, delta2[Math.floor(k / 4)] * h[k % 4], `dW2[${k}]`));
  expect(await view.locator('[data-quantity="grad:output.bias"] .value').allTextContents())
    .toEqual(await view.locator('[data-quantity="delta:output"] .value').allTextContents());
  // ReLU: delta1 = dL/dh where o1 > 0, else 0 (the same float, so the same text)
  const o1 = await shown(view, 'forward:hidden');
  const dh = await view.locator('[data-quantity="delta:hidden.relu"] .value').allTextContents();
  const delta1 = await view.locator('[data-quantity="delta:hidden"] .value').allTextContents();
  expect(delta1).toEqual(dh.map((d, j) => (o1[j] > 0 ? d : '0')));
  await screenshot(view, 'backprop-sample');

  // another sample: the view follows it
  await setNumber(app, 'Validation sample to classify', 7);
  await expect(view.getByTestId('backprop-summary')).toContainText('Validation sample 7 of 60');
  // new weights: the view shows the new pass
  const before = await view.locator('[data-quantity="forward:output"] .value').allTextContents();
  await app.getByRole('button', { name: 'Reset' }).click();
  await expect.poll(() => view.locator('[data-quantity="forward:output"] .value').allTextContents()).not.toEqual(before);
  // each Step (one mini-batch) moves the weights: the view shows the pass through them
  const scores = () => view.locator('[data-quantity="forward:output"] .value').allTextContents();
  for (let step = 1, previous = await scores(); step <= 2; step++, previous = await scores()) {
    await app.getByRole('button', { name: 'Step', exact: true }).click();
    await expect.poll(scores, `after Step ${step}`).not.toEqual(previous);
  }
  expect(consoleErrors).toEqual([]);
});

test('LeNet-5: c1 ... output, maps and kernels as images, big matrices as heatmaps, long vectors expandable', async ({ app, consoleErrors }) => {
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist: 10 000 rows');
  await app.getByLabel('LeNet-5 (modern)').check();
  await setNumber(app, 'Train on the first rows only', 256);
  await setNumber(app, 'Epochs', 1);
  await trainToEnd(app);

  // the feature maps' sample picker (Live views) chooses the sample for every view of one sample
  const picker = app.getByRole('region', { name: 'Live views' }).getByLabel('Validation sample for the feature maps');
  await picker.fill('3');
  await picker.press('Tab');
  await expect(app.getByRole('region', { name: 'Inference' }).getByLabel('Validation sample to classify')).toHaveValue('3');
  await app.getByText('Backprop, one sample').click();
  const view = app.locator('details.backprop');
  await expect(view.getByTestId('backprop-summary')).toContainText('Validation sample 3 of 2000');
  const keys = (list: string) => view.getByRole('list', { name: list }).locator(':scope > li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-quantity')));
  const layers = ['c1', 'c1.relu', 's2', 'c3', 'c3.relu', 's4', 'c5', 'c5.relu', 'f6', 'f6.relu', 'output'];
  expect(await keys('Forward pass')).toEqual(['x', ...layers.map((l) => `forward:${l}`), 'y', 'loss']);
  const backward = await keys('Backward pass');
  expect(backward.filter((k) => k!.startsWith('delta:'))).toEqual([...layers].reverse().map((l) => `delta:${l}`));
  expect(backward.at(-1)).toBe('grad:c1.bias');
  // the view's z and a (x is the image) said in the notes' names
  await expect(view.getByTestId('backprop-symbols')).toContainText('zc1 is layer c1’s weighted sum (the notes’ x in eq. 26)');
  await expect(view.locator('[data-quantity="forward:c1"]')).toContainText('eq. 26');
  await expect(view.locator('[data-quantity="grad:c3.weight"]')).toContainText('eq. 30, corrected');
  await expect(view.locator('[data-quantity="delta:s4"]')).toContainText('Gap 2');

  await expect(view.getByRole('img', { name: /^x \(input\): 1 images/ })).toBeVisible();
  await expect(view.getByRole('img', { name: /^z_c1 \(c1\): 6 images/ })).toBeVisible();
  await expect(view.getByRole('img', { name: /^∂L\/∂a_s2 \(s2\): 6 images/ })).toBeVisible();
  await expect(view.getByRole('img', { name: /^∂L\/∂K_c3 \(c3.weight\): 16 rows of 6 images/ })).toBeVisible();
  await expect(view.getByRole('img', { name: /^∂L\/∂W_f6 \(f6.weight\): 84×120 heatmap/ })).toBeVisible();
  await expect(view.getByRole('img', { name: /^∂L\/∂K_c5 \(c5.weight\): 120×400 heatmap/ })).toBeVisible(); // 120 rows of kernels
  await expect(view.locator('[data-quantity="grad:f6.weight"]')).toContainText(/min -?[\d.e-]+, max -?[\d.e-]+/);

  // F6's 84 outputs: the first dozen, the rest on demand
  const f6 = view.locator('[data-quantity="forward:f6"]');
  await expect(f6.locator('.value')).toHaveCount(12);
  await f6.getByRole('button', { name: '… 72 more' }).click();
  await expect(f6.locator('.value')).toHaveCount(84);
  // C5's 120 maps of 1x1 are a vector, not 120 one-pixel images
  await expect(view.locator('[data-quantity="forward:c5"] .value')).toHaveCount(12);
  await screenshot(view, 'backprop-lenet');
  expect(consoleErrors).toEqual([]);
});

test('after each Step the sample view, the typed row and the backprop view agree: all show the stepped weights', async ({ app, consoleErrors }) => {
  await app.getByRole('button', { name: 'iris', exact: true }).click();
  await expect(app.getByTestId('dataset-summary')).toContainText('iris: 150 rows');
  await app.getByRole('button', { name: 'Reset', exact: true }).click();
  const sampleView = app.locator('.sample');
  const before = await probabilities(sampleView);
  const typedBefore = await probabilities(app.getByTestId('typed-row'));
  await app.getByText('Backprop, one sample').click();
  const view = app.locator('details.backprop');
  const step = app.getByRole('button', { name: 'Step', exact: true });
  for (let i = 1; i <= 3; i++) {
    await step.click();
    await expect(app.getByTestId('step')).toHaveText(String(i));
  }
  // the backprop view's y is the sample's probabilities: the sample view shows the same, in percent
  // (to the 0.1 % it shows; y has 4 significant digits)
  const agree = async () => {
    const y = await shown(view, 'y'), percent = (await probabilities(sampleView)).map(parseFloat);
    return y.length === 3 && y.every((p, i) => Math.abs(p * 100 - percent[i]) <= 0.06);
  };
  await expect.poll(agree).toBe(true);
  expect(await probabilities(sampleView)).not.toEqual(before);
  await expect.poll(() => probabilities(app.getByTestId('typed-row'))).not.toEqual(typedBefore);
  expect(consoleErrors).toEqual([]);
});
