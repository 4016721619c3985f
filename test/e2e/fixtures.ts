// The e2e harness: each test gets its own real browser host (`main/web/serve.ts` on a free port,
// with its own token and fresh services) and a page opened at its URL, with console errors collected.
//
//   import { test, expect } from './fixtures.ts';
//   test('...', async ({ app, host, consoleErrors }) => { ... });
import { spawn, type ChildProcess } from 'node:child_process';
import { test as base, expect, type Page } from '@playwright/test';

export interface Host {
  url: string; // http://127.0.0.1:PORT/?token=...
  origin: string;
  port: number;
  token: string;
  /** Everything the server printed (its errors, for a failing test's message). */
  output(): string;
}

async function startHost(): Promise<{ host: Host; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/web/serve.ts', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the browser host did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /running at (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the browser host exited with ${code}:\n${output}`));
    });
  });
  const parsed = new URL(url);
  return {
    child,
    host: { url, origin: parsed.origin, port: Number(parsed.port), token: parsed.searchParams.get('token')!, output: () => output },
  };
}

export const test = base.extend<{ host: Host; consoleErrors: string[]; app: Page }>({
  host: async ({}, use) => {
    const { host, child } = await startHost();
    await use(host);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  },
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
    await use(errors);
  },
  /** The app, loaded, its WebSocket open. */
  app: async ({ page, host, consoleErrors }, use) => {
    void consoleErrors; // subscribe before the page loads
    const socket = page.waitForEvent('websocket');
    await page.goto(host.url);
    await socket;
    await use(page);
  },
});

export { expect };
