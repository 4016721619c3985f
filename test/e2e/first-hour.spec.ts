// What a student or a teacher meets in the first hour: the controls in view, settings that follow
// the data without undoing the user's own choices, errors where the user looks.
import { test, expect } from './fixtures.ts';
import { drawOne, dropFiles, pointsCsv, probabilities, setNumber, trainingState, trainToEnd } from './ui.ts';

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

for (const viewport of [{ width: 1400, height: 900 }, { width: 1024, height: 700 }]) {
  test(`${viewport.width}x${viewport.height}: Start is in view at first start and the first control Tab reaches; Pause and the learning rate stay in view while scrolling`, async ({ app }) => {
    await app.setViewportSize(viewport);
    await expect(app.getByTestId('dataset-summary')).toContainText('mnist: 10 000 rows');
    const inView = async (name: string) => {
      const box = (await app.getByRole('button', { name, exact: true }).boundingBox())!;
      return box.y >= 0 && box.y + box.height <= viewport.height && box.x + box.width <= viewport.width;
    };
    expect(await inView('Start')).toBe(true);
    await app.keyboard.press('Tab');
    await expect(app.getByRole('button', { name: 'Start', exact: true })).toBeFocused();
    // the status beside the buttons: where training shows, and where Start's errors go
    const status = (await app.getByTestId('status-bar').boundingBox())!;
    expect(status.y + status.height).toBeLessThanOrEqual(viewport.height);
    await app.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect.poll(() => app.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    expect(await inView('Pause')).toBe(true);
    expect(await inView('Stop')).toBe(true);
    // and the learning rate, the setting that changes while training, beside them
    const lr = (await app.getByLabel('Learning rate', { exact: true }).boundingBox())!;
    expect(lr.y).toBeGreaterThanOrEqual(0);
    expect(lr.y + lr.height).toBeLessThanOrEqual(viewport.height);
  });
}

test('epochs follow the dataset (1,000 steps on a small one) until the user sets them, and Iris learns with one click on Start', async ({ app, consoleErrors }) => {
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist: 10 000 rows');
  const epochs = app.getByLabel('Epochs', { exact: true });
  await expect(epochs).toHaveValue('4'); // 8,000 training rows in batches of 32: 250 steps an epoch
  await app.getByRole('button', { name: 'iris', exact: true }).click();
  await expect(app.getByTestId('dataset-summary')).toContainText('iris: 150 rows');
  await expect(epochs).toHaveValue('250'); // 120 rows: 4 steps an epoch
  await trainToEnd(app);
  const [valAccuracy] = await app.getByTestId('epoch-table').locator('tbody tr').first().locator('td').nth(4).allTextContents();
  expect(parseFloat(valAccuracy)).toBeGreaterThan(90); // 3 epochs (12 steps) left it at 57 %
  // the status line's figures are the training batches', and say so (the table has validation's)
  await expect(app.getByTestId('status-train')).toHaveText(/^train loss 0\.\d+, accuracy \d+\.\d %$/);
  // the user's own choice is kept from one dataset to the next
  await setNumber(app, 'Epochs', 7);
  await app.getByRole('button', { name: 'spiral', exact: true }).click();
  await expect(app.getByTestId('dataset-summary')).toContainText('spiral: ');
  await expect(epochs).toHaveValue('7');
  expect(consoleErrors).toEqual([]);
});

test("1024x700: Start's refusal shows as an error in view beside the buttons, and can be dismissed", async ({ app, consoleErrors }) => {
  await app.setViewportSize({ width: 1024, height: 700 });
  await app.getByRole('button', { name: 'circle', exact: true }).click();
  await expect(app.getByTestId('dataset-summary')).toContainText('circle: ');
  await app.getByRole('radio', { name: 'separate file' }).check(); // and no file dropped
  await app.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight)); // where the dataset panel's radio is
  await app.getByRole('button', { name: 'Start', exact: true }).click();
  const message = app.getByTestId('training-message');
  await expect(message).toHaveText('Validation: drop a validation file in the dataset panel, or choose "split off"');
  await expect(message).toHaveRole('alert');
  const box = (await message.boundingBox())!;
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(700);
  await message.getByRole('button', { name: 'Dismiss' }).click();
  await expect(message).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});

test('1024x700: each chart legend is one line, and the blank charts say what will appear', async ({ app }) => {
  await app.setViewportSize({ width: 1024, height: 700 });
  const curves = app.getByTestId('curves');
  await expect(curves).toContainText('Start training: its loss and accuracy are drawn here');
  for (const legend of await curves.locator('.u-legend').all()) {
    const items = await legend.locator('.u-series').evaluateAll((rows) => rows.map((r) => r.getBoundingClientRect().top));
    expect(new Set(items.map(Math.round)).size).toBe(1); // side by side
    expect((await legend.boundingBox())!.height).toBeLessThan(30); // no label wrapped
  }
});

test('Reset before any Start: fresh weights from the seed, no error, and the model can be asked at once', async ({ app, consoleErrors }) => {
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist: 10 000 rows');
  await expect(app.getByRole('region', { name: 'Inference' })).toContainText('Start training, Reset (fresh weights from the seed) or import weights');
  await app.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(app.getByRole('heading', { name: 'Draw a digit' })).toBeVisible();
  await expect(app.getByTestId('training-message')).toHaveCount(0);
  await expect(app.getByRole('button', { name: 'Export weights…' })).toBeEnabled();
  expect(consoleErrors).toEqual([]);
});

test("1024x700: LeNet-5's kernels and feature maps fit the panel (none cut off behind a scrollbar)", async ({ app, consoleErrors }) => {
  await app.setViewportSize({ width: 1024, height: 700 });
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist: 10 000 rows');
  await app.getByLabel('LeNet-5 (modern)').check();
  await app.getByRole('button', { name: 'Reset', exact: true }).click(); // fresh weights: the views show them
  const live = app.getByRole('region', { name: 'Live views' });
  await expect(live.getByRole('img', { name: /^c3: 16 images/ })).toBeVisible();
  const panel = (await live.boundingBox())!;
  const images = live.locator('.lenet canvas');
  expect(await images.count()).toBeGreaterThanOrEqual(6); // c1 and c3 kernels, input, c1, s2, c3, s4 maps
  for (const canvas of await images.all()) {
    const box = (await canvas.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(panel.x + panel.width);
  }
  expect(consoleErrors).toEqual([]);
});

test('a number field the app cannot take shows the value in use again, not the refused text', async ({ app }) => {
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist: 10 000 rows');
  const expectRefused = async (label: string, typed: string, shown: string) => {
    const field = app.getByLabel(label, { exact: true });
    await field.fill(typed);
    await field.press('Tab');
    await expect(field).toHaveValue(shown);
  };
  await expectRefused('Learning rate', '0', '0.05'); // SGD with momentum's default
  await expectRefused('Learning rate', '-1', '0.05');
  await expectRefused('Hidden layer 1 width', '0', '128');
  await expect(app.getByTestId('param-total')).toHaveText('101\u2009770'); // still 128 wide
  await expectRefused('Train on the first rows only', '-5', ''); // all rows
});

test('what is disabled says why: no weights to export yet; during training, the setup waits for Stop', async ({ app }) => {
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist: 10 000 rows');
  const exportButton = app.getByRole('button', { name: 'Export weights…' });
  await expect(exportButton).toBeDisabled();
  await expect(exportButton).toHaveAccessibleDescription('No weights yet: Start or Reset makes them');
  await setNumber(app, 'Epochs', 100); // still training when paused
  await app.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(trainingState(app)).toHaveText('running');
  await expect(exportButton).toHaveAccessibleDescription('Pause to export the weights as they are');
  // Reset, beside Pause and Stop, would discard the run in one click
  const reset = app.getByRole('button', { name: 'Reset', exact: true });
  await expect(reset).toBeDisabled();
  await expect(reset).toHaveAccessibleDescription('Pause or stop first: Reset discards the trained weights');
  await app.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(trainingState(app)).toHaveText('paused');
  await expect(exportButton).toBeEnabled();
  await expect(reset).toBeEnabled();
  await expect(app.getByRole('button', { name: 'iris', exact: true })).toHaveAccessibleDescription('Stop training to load another dataset');
  await expect(app.getByRole('button', { name: 'Import weights…' })).toHaveAccessibleDescription('Stop training to import weights');
  await expect(app.getByTestId('training-locked')).toBeVisible();
  // a file dropped now is not taken, and the zone says why instead of ignoring it without a word
  await dropFiles(app, [{ name: 'points.csv', text: pointsCsv(40) }]);
  await expect(app.getByTestId('drop-zone')).toContainText('Stop training to load another dataset.');
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist: 10 000 rows');
  await expect(app.getByLabel('Learning rate', { exact: true })).toBeEnabled();
  await app.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(trainingState(app)).toHaveText('stopped');
  await expect(app.getByTestId('training-locked')).toHaveCount(0);
  await expect(app.getByTestId('drop-zone')).toContainText('Drop a CSV');
  await expect(app.getByRole('button', { name: 'iris', exact: true })).toHaveAccessibleDescription(/Fisher|flower|iris/i);
});

test('each training setting says what it does', async ({ app }) => {
  const training = app.getByRole('region', { name: 'Training' });
  await expect(training.getByLabel('Seed')).toHaveAccessibleDescription(/same seed repeats a run exactly/);
  await expect(training.getByLabel('Epochs')).toHaveAccessibleDescription(/1,000 steps on a small dataset/);
  for (const label of ['Optimiser', 'Batch size', 'Threads']) {
    await expect(training.getByLabel(label)).toHaveAccessibleDescription(/\w{3,}/);
  }
  await expect(app.getByLabel('Learning rate', { exact: true })).toHaveAccessibleDescription(/can change while training/);
});

test("a table's validation sample says its numbers are normalised, as the model sees them", async ({ app }) => {
  await app.getByRole('button', { name: 'iris', exact: true }).click();
  await expect(app.getByTestId('dataset-summary')).toContainText('iris: 150 rows');
  await app.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(app.getByTestId('sample-features')).toHaveText(/^As the model sees it \(z-scored\): -?\d/);
});

test('a page reload shows the model the services hold, so that Start does not replace its weights with a default MLP', async ({ app }) => {
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist: 10 000 rows');
  await app.getByLabel('LeNet-5 (classic, 1998)').check();
  await app.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(app.getByRole('img', { name: /^c1\.weight: 6 images/ })).toBeVisible();
  await app.reload();
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist: 10 000 rows');
  await expect(app.getByLabel('LeNet-5 (classic, 1998)')).toBeChecked();
  await expect(app.getByLabel('Activation')).toHaveValue('scaled-tanh');
});

test('export then import: the message counts the parameters with thousands separators', async ({ app }) => {
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist: 10 000 rows');
  await app.getByRole('button', { name: 'Reset', exact: true }).click();
  const [download] = await Promise.all([app.waitForEvent('download'), app.getByRole('button', { name: 'Export weights…' }).click()]);
  await expect(app.getByTestId('weights-message')).toHaveText(`Downloaded ${download.suggestedFilename()}.`);
  await app.getByLabel('Weights file').setInputFiles((await download.path())!);
  await expect(app.getByTestId('weights-message')).toContainText(': 101\u2009770 parameters.'); // 784-128-10
});

test("the gradient check's error can be dismissed too", async ({ app }) => {
  await app.getByRole('button', { name: 'circle', exact: true }).click();
  await expect(app.getByTestId('dataset-summary')).toContainText('circle: ');
  await app.getByRole('radio', { name: 'separate file' }).check(); // and no file dropped
  await app.getByRole('button', { name: 'Run gradient check' }).click();
  const error = app.getByTestId('gradcheck-error');
  await expect(error).toHaveText('Validation: drop a validation file in the dataset panel, or choose "split off"');
  await error.getByRole('button', { name: 'Dismiss' }).click();
  await expect(error).toHaveCount(0);
});

test("a screen reader hears the training state change, not the figures' ten updates a second", async ({ app }) => {
  await expect(app.getByTestId('status-bar')).toHaveRole('group');
  await expect(app.getByTestId('status-bar')).toHaveAccessibleName('Training status');
  await expect(app.getByTestId('training-state')).toHaveRole('status');
});

test('1024x700: the training bar keeps its height when training starts, so the page below does not jump', async ({ app }) => {
  await app.setViewportSize({ width: 1024, height: 700 });
  await app.getByRole('button', { name: 'xor', exact: true }).click();
  await expect(app.getByTestId('dataset-summary')).toContainText('xor: ');
  const height = async () => (await app.getByTestId('status-bar').boundingBox())!.height;
  const idle = await height();
  await setNumber(app, 'Epochs', 3);
  await trainToEnd(app);
  await expect(app.getByTestId('step')).not.toHaveText('0');
  expect(await height()).toBeCloseTo(idle, 0);
});

test("Inference: 'Validation samples' stands apart from the typed row's probabilities above it", async ({ app }) => {
  await app.getByRole('button', { name: 'iris', exact: true }).click();
  await expect(app.getByTestId('dataset-summary')).toContainText('iris: 150 rows');
  await app.getByRole('button', { name: 'Reset', exact: true }).click();
  const list = (await app.getByTestId('typed-row').getByRole('list', { name: 'Class probabilities' }).boundingBox())!;
  const heading = (await app.getByRole('heading', { name: 'Validation samples' }).boundingBox())!;
  expect(heading.y - (list.y + list.height)).toBeGreaterThanOrEqual(12);
});

test("the decision boundary is drawn by a model made for the dataset, not by the previous dataset's (another class count)", async ({ app }) => {
  await app.getByRole('button', { name: 'blobs', exact: true }).click(); // 3 classes
  await expect(app.getByTestId('dataset-summary')).toContainText('blobs: ');
  await app.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(app.getByTestId('decision-boundary')).toBeVisible();
  await app.getByRole('button', { name: 'circle', exact: true }).click(); // 2 classes: blobs' weights do not fit
  await expect(app.getByTestId('dataset-summary')).toContainText('circle: ');
  await expect(app.getByTestId('decision-boundary')).toHaveCount(0);
  await app.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(app.getByTestId('decision-boundary')).toBeVisible();
});

test("weights of another dataset's shape: Inference says so instead of failing on every row", async ({ app, consoleErrors }) => {
  await app.getByRole('button', { name: 'blobs', exact: true }).click(); // 2 features
  await expect(app.getByTestId('dataset-summary')).toContainText('blobs: ');
  await app.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(app.getByTestId('typed-row')).toBeVisible();
  await app.getByRole('button', { name: 'iris', exact: true }).click(); // 4 features
  await expect(app.getByTestId('dataset-summary')).toContainText('iris: ');
  const inference = app.getByRole('region', { name: 'Inference' });
  await expect(inference.getByTestId('weights-elsewhere')).toHaveText('The weights held take 2 inputs, and iris has 4: Start or Reset makes weights for it, or import a file made for it.');
  await expect(inference.getByRole('alert')).toHaveCount(0);
  await app.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(inference.getByTestId('typed-row').getByLabel('x4')).toHaveValue('0.2') // Iris's first flower;
  expect(consoleErrors).toEqual([]);
});

test("a drawn digit's answer follows the weights: a Step changes it without redrawing", async ({ app }) => {
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist: 10 000 rows');
  await app.getByRole('button', { name: 'Reset', exact: true }).click();
  await drawOne(app);
  const draw = app.locator('.draw');
  await expect(draw.getByTestId('prediction')).toBeVisible();
  const before = await probabilities(draw);
  await app.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(app.getByTestId('step')).toHaveText('1');
  await expect.poll(() => probabilities(draw)).not.toEqual(before);
});
