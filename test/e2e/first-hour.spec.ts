// What a student or a teacher meets in the first hour: the controls in view, settings that follow
// the data without undoing the user's own choices, errors where the user looks.
import { test, expect } from './fixtures.ts';
import { trainingState } from './ui.ts';

test('LeNet-5 chosen, then a table loaded: the MLP trains it, and LeNet-5 comes back with images', async ({ app, consoleErrors }) => {
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist: 10 000 rows');
  await app.getByLabel('LeNet-5 (modern)').check();
  await app.getByRole('button', { name: 'xor', exact: true }).click();
  await expect(app.getByTestId('dataset-summary')).toContainText('xor: ');
  await expect(app.getByLabel('MLP')).toBeChecked();
  await expect(app.getByLabel('Hidden layer 1 width', { exact: true })).toBeVisible();
  await expect(app.getByRole('table', { name: 'Parameters per layer' })).toContainText('weight [128×2]');
  await app.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(trainingState(app)).toHaveText('finished', { timeout: 60_000 }); // no "LeNet-5 takes images" refusal
  await app.getByRole('button', { name: 'mnist', exact: true }).click();
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist: 10 000 rows');
  await expect(app.getByLabel('LeNet-5 (modern)')).toBeChecked(); // the choice was kept
  expect(consoleErrors).toEqual([]);
});
