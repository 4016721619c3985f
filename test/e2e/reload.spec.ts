// A page reload (F5 in the browser host, Ctrl+R in Electron) shows the training as it is: the
// services keep what the session sent and the renderer replays it, so the status line, the curves,
// the epoch table, the gradient norms and the confusion matrix come back as they were.
import { test, expect } from './fixtures.ts';
import { setNumber, trainingState, trainToEnd } from './ui.ts';
import type { Page } from '@playwright/test';

/** What the views show of the training, as text and figures to compare. */
async function shown(app: Page) {
  const curves = app.getByTestId('curves');
  return {
    state: await trainingState(app).textContent(),
    status: await app.getByTestId('status-bar').innerText(),
    epochRows: await app.getByTestId('epoch-table').locator('tbody tr').allInnerTexts(),
    curvePoints: await curves.getAttribute('data-points'),
    firstLoss: await curves.getAttribute('data-first-loss'),
    lastLoss: await curves.getAttribute('data-last-loss'),
    gradNormPoints: await app.getByTestId('grad-norms').getAttribute('data-points'),
    confusion: await app.getByTestId('confusion-matrix').innerText(),
  };
}

/** Reloads and waits until the page has picked up the services' state again. */
async function reload(app: Page, datasetName: string): Promise<void> {
  const socket = app.waitForEvent('websocket');
  await app.reload();
  await socket;
  await expect(app.getByTestId('dataset-summary')).toContainText(`${datasetName}: `);
}

/** The curves are drawn: no "Start training" placeholder, and uPlot's line paths hold points. */
async function expectCurvesDrawn(app: Page): Promise<void> {
  const curves = app.getByTestId('curves');
  await expect(curves.getByText('Start training: its loss and accuracy are drawn here')).toHaveCount(0);
  const loss = curves.getByRole('img', { name: /^Loss: / });
  const painted = () => loss.locator('canvas').evaluate((c: HTMLCanvasElement) => {
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let blue = 0; // the training line's colour, #4e79a7
    for (let i = 0; i < data.length; i += 4) if (data[i + 2] > 140 && data[i] < 110 && data[i + 3] > 0) blue++;
    return blue;
  });
  await expect.poll(painted).toBeGreaterThan(50);
}

test('after a run, a reload shows the same status, curves, epoch table, gradient norms and confusion matrix', async ({ app, consoleErrors }) => {
  await app.getByRole('button', { name: 'iris', exact: true }).click();
  await expect(app.getByTestId('dataset-summary')).toContainText('iris: 150 rows');
  await setNumber(app, 'Epochs', 5);
  await trainToEnd(app);
  await expect(app.getByTestId('epoch-table').locator('tbody tr')).toHaveCount(5);
  const before = await shown(app);
  expect(before.status).toMatch(/epoch 5 \/ 5\s+step 20 \(4\/epoch\)/); // 120 training rows in batches of 32
  expect(before.curvePoints).toBe('20');
  // the table's losses read evenly: 4 significant digits each, trailing zeros kept
  const losses = await app.getByTestId('epoch-table').locator('tbody td:nth-child(2), tbody td:nth-child(3)').allInnerTexts();
  expect(losses).toHaveLength(10);
  for (const text of losses) expect(text).toMatch(/^(0\.0*[1-9]\d{3}|[1-9]\.\d{3}|[1-9]\.\d{3}e-\d+)$/);

  await reload(app, 'iris');
  await expect(trainingState(app)).toHaveText('finished');
  await expect(app.getByTestId('epoch-table').locator('tbody tr')).toHaveCount(5);
  expect(await shown(app)).toEqual(before);
  await expectCurvesDrawn(app);
  expect(consoleErrors).toEqual([]);
});

test('stepped, a reload shows the same steps, and the next Step carries on from them', async ({ app, consoleErrors }) => {
  await app.getByRole('button', { name: 'xor', exact: true }).click();
  await expect(app.getByTestId('dataset-summary')).toContainText('xor: ');
  const step = app.getByRole('button', { name: 'Step', exact: true });
  for (let i = 1; i <= 3; i++) {
    await step.click();
    await expect(app.getByTestId('step')).toHaveText(String(i));
  }
  await expect(trainingState(app)).toHaveText('paused');
  const curves = app.getByTestId('curves');
  await expect(curves).toHaveAttribute('data-points', '3');
  const status = await app.getByTestId('status-bar').textContent();

  await reload(app, 'xor');
  await expect(trainingState(app)).toHaveText('paused');
  await expect(app.getByTestId('status-bar')).toHaveText(status!);
  await expect(curves).toHaveAttribute('data-points', '3');
  await expect(app.getByTestId('grad-norms')).toHaveAttribute('data-points', '3');
  await expectCurvesDrawn(app);

  // the session goes on where it was: one more step, one more point on the same curves
  await step.click();
  await expect(app.getByTestId('step')).toHaveText('4');
  await expect(curves).toHaveAttribute('data-points', '4');
  expect(consoleErrors).toEqual([]);
});

test('a reload during a run loses nothing: every step and every epoch, from the log and then live', async ({ app, consoleErrors }) => {
  await expect(app.getByTestId('dataset-summary')).toContainText('mnist: 10 000 rows');
  await app.getByLabel('LeNet-5 (modern)').check(); // slow enough to reload mid-run: 4 epochs of 250 steps
  await app.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(app.getByTestId('curves')).not.toHaveAttribute('data-points', '0');
  await reload(app, 'mnist');
  await expect(trainingState(app)).toHaveText('running');
  await expect(app.getByTestId('epoch-table').locator('tbody tr')).toHaveCount(1, { timeout: 60_000 });
  await app.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(trainingState(app)).toHaveText(/stopped|finished/);
  // every step up to the reload came from the services' log, the rest live: together, each once
  const steps = Number((await app.getByTestId('step').textContent())!.replace(/\D/g, ''));
  console.log(`stopped at step ${steps}`);
  expect(steps).toBeGreaterThan(250);
  await expect(app.getByTestId('curves')).toHaveAttribute('data-points', String(steps));
  await expect(app.getByTestId('grad-norms')).toHaveAttribute('data-points', String(steps));
  const epochs = await app.getByTestId('epoch-table').locator('tbody tr td:first-child').allInnerTexts();
  expect(epochs).toEqual(Array.from({ length: Math.floor(steps / 250) }, (_, i) => String(Math.floor(steps / 250) - i)));
  expect(consoleErrors).toEqual([]);
});
