// A separate validation file, as a user brings a train/test pair: drop the training CSV, choose
// "separate file", drop the test CSV (a bad one first), train one epoch, and see that validation
// ran on the file's rows while all the training rows trained.
import { test, expect } from './fixtures.ts';
import { dropFiles, pointsCsv, screenshot, setNumber, trainToEnd } from './ui.ts';

test('validation on a separate CSV: its rows validate, all training rows train', async ({ app, consoleErrors }) => {
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist');
  await dropFiles(app, [{ name: 'train.csv', text: pointsCsv(200, 1) }]);
  await expect(app.getByTestId('dataset-summary')).toContainText('train.csv: 200 rows, 2 features, 2 classes');

  await app.getByRole('radio', { name: 'separate file' }).check();
  await expect(app.getByLabel('Validation split (%)')).toBeDisabled();
  await app.getByRole('button', { name: 'Start', exact: true }).click(); // no file yet: Start says what is missing
  await expect(app.getByText('Validation: drop a validation file in the dataset panel, or choose "split off"')).toBeVisible();
  // a file that does not fit: its error, and nothing loaded
  await dropFiles(app, [{ name: 'wide.csv', text: 'a,b,c,side\n1,2,3,left\n4,5,6,right\n' }], 'validation-drop-zone');
  await expect(app.getByTestId('validation-error')).toHaveText('wide.csv: 3 features per row, but the training set train.csv has 2 features per row');
  await expect(app.getByTestId('validation-summary')).toHaveCount(0);

  await dropFiles(app, [{ name: 'test.csv', text: pointsCsv(60, 2) }], 'validation-drop-zone');
  const summary = app.getByTestId('validation-summary');
  await expect(summary).toContainText('test.csv: 60 rows validate; all 200 rows of train.csv train');
  await expect(app.getByTestId('validation-error')).toHaveCount(0);
  await expect(app.getByTestId('dataset-summary')).toContainText('train.csv: 200 rows'); // the training set is unchanged

  await setNumber(app, 'Epochs', 1);
  await setNumber(app, 'Batch size', 20);
  await trainToEnd(app);
  // the epoch's confusion matrix counts the validation rows: the file's 60
  const counts = await app.getByTestId('confusion-matrix').locator('tbody td:not(.accuracy)').allTextContents();
  expect(counts).toHaveLength(4);
  expect(counts.map(Number).reduce((a, b) => a + b, 0)).toBe(60);
  await expect(app.getByTestId('epoch-table').locator('tbody td').nth(4)).toHaveText(/%$/); // a validation accuracy
  await expect(app.getByLabel('Validation sample to classify')).toHaveAttribute('max', '59');

  await screenshot(app.locator('section', { has: app.getByRole('heading', { name: 'Dataset' }) }), 'validation-file');

  // a training set of another shape clears the file, and says so
  await dropFiles(app, [{ name: 'wide-train.csv', text: 'a,b,c,side\n1,2,3,left\n4,5,6,right\n' }]);
  await expect(app.getByTestId('validation-note')).toHaveText('test.csv does not fit wide-train.csv, so it was cleared; drop a validation file for it');
  await expect(summary).toHaveCount(0);

  // back to a split: the split field is live again
  await app.getByRole('radio', { name: 'split off' }).check();
  await expect(app.getByTestId('validation-note')).toHaveCount(0);
  await expect(app.getByTestId('validation-drop-zone')).toHaveCount(0);
  await expect(app.getByLabel('Validation split (%)')).toBeEnabled();
  expect(consoleErrors).toEqual([]);
});
