// Helpers the renderer's flow tests share: drive the app as a user does (labels, buttons, drops).
import { expect, type Locator, type Page } from '@playwright/test';

/** Drops files on the dataset drop zone (or the one with test id `zone`), as the OS would: a DataTransfer of Files. */
export async function dropFiles(page: Page, files: { name: string; text: string }[], zone = 'drop-zone'): Promise<void> {
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([f.text], f.name, { type: 'text/plain' }));
    return dt;
  }, files);
  await page.getByTestId(zone).dispatchEvent('drop', { dataTransfer });
}

/** Types into a number field and leaves it, which is when the app takes the value. */
export async function setNumber(page: Page, label: string, value: number): Promise<void> {
  const field = page.getByLabel(label, { exact: true });
  await field.fill(String(value));
  await field.press('Tab');
}

export function trainingState(page: Page): Locator {
  return page.getByTestId('training-state');
}

/** Starts training and waits until it has finished. */
export async function trainToEnd(page: Page, timeout = 90_000): Promise<void> {
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(trainingState(page)).toHaveText('running');
  await expect(trainingState(page)).toHaveText('finished', { timeout });
}

/** Screenshots of the main states go to test-results/; with UPDATE_SCREENSHOTS=1 to the README's
 *  docs/screenshots/ (so an ordinary test run leaves the committed images alone). */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : 'test-results/screenshots';

/** A screenshot of the page (from its top), or of one part of it. */
export async function screenshot(target: Page | Locator, name: string): Promise<void> {
  if ('goto' in target) await target.evaluate(() => window.scrollTo(0, 0));
  await target.screenshot({ path: `${SCREENSHOTS}/${name}.png`, animations: 'disabled' });
}

/** Draws a "1" on the digit pad, top to bottom, as a mouse would. */
export async function drawOne(page: Page): Promise<void> {
  const pad = page.getByTestId('draw-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.48, box.y + box.height * 0.85, { steps: 12 });
  await page.mouse.up();
}

/** The shown probabilities, e.g. ["0.3 %", "99.7 %"], in class order. */
export async function probabilities(scope: Locator): Promise<string[]> {
  return scope.getByRole('list', { name: 'Class probabilities' }).locator('.value').allTextContents();
}

/** Points in the plane, two classes split by a line, as a CSV: from a seeded LCG, so a seed always
 *  gives the same file and two seeds two different ones. */
export function pointsCsv(rows: number, seed = 12345): string {
  let s = seed;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const lines = ['x1,x2,side'];
  for (let i = 0; i < rows; i++) {
    const x1 = next(), x2 = next();
    lines.push(`${x1.toFixed(4)},${x2.toFixed(4)},${x1 + 0.5 * x2 > 0 ? 'right' : 'left'}`);
  }
  return lines.join('\n') + '\n';
}
