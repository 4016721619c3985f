// The gradient-check panel verifies backprop against finite differences for the current model.
import { test, expect } from './fixtures.ts';
import { screenshot, setNumber } from './ui.ts';

test('the gradient check shows every tensor below 1e-6', async ({ app, consoleErrors }) => {
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist');
  // a small, non-default model: tanh hidden layers, sigmoid outputs with binary cross-entropy
  await setNumber(app, 'Hidden layer 1 width', 16);
  await app.getByLabel('Activation').selectOption('tanh');
  await app.getByLabel('Output and loss').selectOption({ label: 'sigmoid + binary cross-entropy' });

  // by keyboard alone: Tab to the button, Enter
  const run = app.getByRole('button', { name: 'Run gradient check' });
  for (let i = 0; i < 100 && !(await run.evaluate((b) => b === document.activeElement)); i++) await app.keyboard.press('Tab');
  await expect(run).toBeFocused();
  await app.keyboard.press('Enter');
  const table = app.getByTestId('gradcheck-table');
  await expect(table).toBeVisible({ timeout: 60_000 });
  const tensors = await table.locator('tbody tr td:first-child').allTextContents();
  expect(tensors).toEqual(['hidden.weight', 'hidden.bias', 'output.weight', 'output.bias']);
  const errors = (await table.locator('.error-value').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value')))));
  console.log('gradient check, max relative error per tensor:', tensors.map((t, i) => `${t} ${errors[i].toExponential(2)}`).join(', '));
  for (const e of errors) {
    expect(Number.isFinite(e)).toBe(true);
    expect(e).toBeLessThan(1e-6);
  }
  await expect(table.getByText('too large')).toHaveCount(0);
  await screenshot(app.locator('section', { has: app.getByRole('heading', { name: 'Gradient check' }) }), 'gradient-check');
  expect(consoleErrors).toEqual([]);
});

test('LeNet-5 checks below 1e-6 with tanh and average pooling, and with ReLU and max pooling once the kinks are skipped', async ({ app, consoleErrors }) => {
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist');
  await app.getByLabel('LeNet-5 (modern)').check();
  await app.getByLabel('Activation').selectOption('tanh');
  await app.getByLabel('Pooling').selectOption('avg');
  const run = app.getByRole('button', { name: 'Run gradient check' });
  await run.click();
  const table = app.getByTestId('gradcheck-table');
  await expect(table.locator('tbody tr')).toHaveCount(10); // c1, c3, c5, f6, output: weight and bias
  const errors = await table.locator('.error-value').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))));
  console.log(`LeNet-5 (tanh, avg) gradient check: largest relative error ${Math.max(...errors).toExponential(2)}`);
  for (const e of errors) expect(e).toBeLessThan(1e-6);
  await expect(app.getByTestId('gradcheck-note')).toHaveCount(0);
  await expect(app.getByTestId('gradcheck-kinks')).toHaveCount(0);
  for (const s of await table.locator('.skipped').allTextContents()) expect(s).toBe('0');

  // at initialisation zero biases and the digits' black background put ReLU inputs exactly at 0:
  // every c1 bias moves some across, so all are skipped; whatever is compared is below 1e-6
  await app.getByLabel('Activation').selectOption('relu');
  await app.getByLabel('Pooling').selectOption('max');
  await run.click();
  await expect(app.getByTestId('gradcheck-kinks')).toContainText('Skipped (kink)');
  const c1Bias = table.locator('tbody tr', { has: app.getByRole('cell', { name: 'c1.bias', exact: true }) });
  await expect(c1Bias.locator('.skipped')).toHaveText('6');
  await expect(c1Bias.locator('.error-value')).toHaveText('all skipped');
  const relu = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => {
    const cell = tr.querySelector('.error-value')!;
    return { tensor: tr.querySelector('td')!.textContent, skipped: Number(tr.querySelector('.skipped')!.textContent), error: cell.hasAttribute('data-value') ? Number(cell.getAttribute('data-value')) : null };
  }));
  console.log('LeNet-5 (ReLU, max) gradient check:', relu.map((r) => `${r.tensor} ${r.error?.toExponential(2) ?? 'all skipped'} (${r.skipped} skipped)`).join(', '));
  expect(relu.filter((r) => r.error !== null).length).toBeGreaterThan(5);
  for (const r of relu) if (r.error !== null) expect(r.error, r.tensor!).toBeLessThan(1e-6);
  await expect(table.getByText('too large')).toHaveCount(0);
  await expect(app.getByTestId('gradcheck-note')).toHaveCount(0);
  await screenshot(app.locator('section', { has: app.getByRole('heading', { name: 'Gradient check' }) }), 'gradient-check-kinks');
  expect(consoleErrors).toEqual([]);
});
