// The Electron app end to end with Playwright's _electron: launches the built app (out/), checks the
// isolation, then the same smoke flow as the browser host (a request round-trips, a bad
// payload gets an error). Electron's binary cannot be downloaded on our machines: then this test is
// skipped, saying why. The binary is found without require('electron'), which would try to
// download it (shared/notes/toolchain.md).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { _electron as electron } from '@playwright/test';
import type { Bridge, Reply } from '../../main/api/contract.ts';
import { eventMethod, eventNames, requestNames } from '../../main/api/contract.ts';
import { expect, test } from './fixtures.ts';

declare global {
  interface Window {
    backprop?: Bridge;
  }
}

/** The Electron executable, as node_modules/electron/index.js would name it, or why there is none. */
function electronBinary(): { path: string } | { reason: string } {
  const pkg = join('node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const path = join(override, name ?? 'electron');
    return existsSync(path) ? { path } : { reason: `ELECTRON_OVERRIDE_DIST_PATH is set but ${path} does not exist` };
  }
  if (name === null) return { reason: `${pathFile} is missing: Electron's binary was never downloaded (no internet access to its releases here)` };
  const path = join(pkg, 'dist', name);
  return existsSync(path) ? { path } : { reason: `${path} is missing: Electron's binary was never downloaded` };
}

const binary = electronBinary();

test('the Electron app starts isolated and its API round-trips', async () => {
  if ('reason' in binary) {
    console.log(`[electron e2e] skipped: ${binary.reason}`);
    test.skip(true, binary.reason);
  }
  const app = await electron.launch({ executablePath: (binary as { path: string }).path, args: ['.'] });
  try {
    const page = await app.firstWindow();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await expect(page).toHaveTitle('Backprop Studio');
    expect(page.url()).toBe('app://bundle/index.html');

    // The page sees the bridge's functions (a frozen copy made by contextBridge), nothing of Node or
    // of ipcRenderer. (The window's options themselves: test/main/electron/window.test.ts.)
    expect(await page.evaluate(() => Object.isFrozen(window.backprop))).toBe(true);
    expect(await page.evaluate(() => [typeof (window as unknown as { require?: unknown }).require, typeof (window as unknown as { process?: unknown }).process])).toEqual(['undefined', 'undefined']);
    expect(await page.evaluate(() => Object.keys(window.backprop!).sort())).toEqual([...requestNames, ...eventNames.map(eventMethod)].sort());

    // The smoke flow: a round trip, a bad payload.
    const builtins = await page.evaluate(() => window.backprop!.listBuiltins());
    expect(builtins).toMatchObject({ ok: true });
    expect((builtins as { value: { name: string }[] }).value.map((b) => b.name)).toContain('mnist');
    const bad: Reply = await page.evaluate(() => window.backprop!.setLearningRate({ lr: 'fast' }));
    expect(bad).toEqual({ ok: false, kind: 'input', message: 'setLearningRate: lr: expected a positive number, got "fast"' });

    // Navigation away and new windows are refused.
    await page.evaluate(() => {
      location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe('app://bundle/index.html');
    await page.evaluate(() => window.open('https://example.com/'));
    await page.waitForTimeout(500);
    expect(app.windows()).toHaveLength(1);
    expect(errors).toEqual([]);
  } finally {
    await app.close();
  }
});
