// A bad file dropped on the app: its specific error shows inline, and the dataset stays the one before.
import { test, expect } from './fixtures.ts';
import { dropFiles, screenshot } from './ui.ts';

test('a bad CSV shows its specific error and keeps the previous dataset', async ({ app, consoleErrors }) => {
  const summary = app.getByTestId('dataset-summary');
  await expect(summary).toContainText('mnist: 10 000 rows'); // loaded at first start

  await dropFiles(app, [{ name: 'ragged.csv', text: 'a,b,label\n1,2,x\n3,4\n5,6,y\n' }]);
  const error = app.getByTestId('dataset-error');
  await expect(error).toHaveText('ragged.csv: row 3: expected 3 fields like the first row, got 2');
  await expect(summary).toContainText('mnist: 10 000 rows');
  await expect(app.getByTestId('dataset-preview').getByRole('img').first()).toBeVisible(); // still the digits
  await screenshot(app.locator('section', { has: app.getByRole('heading', { name: 'Dataset' }) }), 'bad-file');

  await dropFiles(app, [{ name: 'words.csv', text: 'a,b,label\n1,2,x\n3,abc,x\n5,6,y\n' }]);
  await expect(error).toHaveText('words.csv: row 3, column 2 ("b"): expected a number, got "abc"');
  await expect(summary).toContainText('mnist: 10 000 rows');
  await error.getByRole('button', { name: 'Dismiss' }).click(); // read, put away
  await expect(error).toHaveCount(0);
  await expect(summary).toContainText('mnist: 10 000 rows');

  // a good file then replaces the dataset and clears the error
  await dropFiles(app, [{ name: 'good.csv', text: 'a,b,label\n1,2,x\n3,4,y\n5,6,y\n7,8,x\n' }]);
  await expect(summary).toContainText('good.csv: 4 rows, 2 features, 2 classes');
  await expect(error).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});

test('a CSV whose labels are not in the last column: its error opens the CSV options, where naming the column loads it', async ({ app, consoleErrors }) => {
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist: 10 000 rows');
  const file = { name: 'first.csv', text: 'species,a,b\nsetosa,1,2\nversicolor,3,4\nsetosa,5,6\n' };
  await dropFiles(app, [file]);
  await expect(app.getByTestId('dataset-error')).toHaveText('first.csv: row 2, column 1 ("species"): expected a number, got "setosa"');
  const labelColumn = app.getByLabel(/^Label column/);
  await expect(labelColumn).toBeVisible(); // the options opened by themselves
  await labelColumn.fill('species');
  await dropFiles(app, [file]);
  await expect(app.getByTestId('dataset-summary')).toContainText('first.csv: 3 rows, 2 features, 2 classes');
  await expect(app.getByTestId('dataset-error')).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});
