// The shell through the real browser host: the app loads clean, requests round-trip (from the page
// and from a client speaking the protocol), bad payloads get errors, and nobody without the token
// or from another origin gets in.
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import type { Reply } from '../../main/api/contract.ts';
import { decode, encode } from '../../main/api/wire.ts';
import { expect, test, type Host } from './fixtures.ts';

/** A raw HTTP GET with exactly these headers (fetch would not let us forge Host). */
function get(host: Host, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: host.port, path, headers: { host: `127.0.0.1:${host.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a socket as a client would; resolves with the socket, or rejects with the HTTP status. */
function connect(host: Host, opts: { token?: string | null; origin?: string | null } = {}): Promise<WebSocket> {
  const token = opts.token === undefined ? host.token : opts.token;
  const origin = opts.origin === undefined ? host.origin : opts.origin;
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws${token === null ? '' : `?token=${token}`}`, origin === null ? {} : { origin });
  ws.binaryType = 'arraybuffer';
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

let nextId = 1;
function call(ws: WebSocket, name: string, payload?: unknown): Promise<Reply> {
  const id = nextId++;
  return new Promise((resolve) => {
    const onMessage = (data: ArrayBuffer) => {
      const m = decode(data) as { id?: number; reply?: Reply };
      if (m.id === id) {
        ws.off('message', onMessage);
        resolve(m.reply!);
      }
    };
    ws.on('message', onMessage);
    ws.send(encode({ id, name, payload }));
  });
}

test('the app loads with no console errors and talks to its host over the socket', async ({ page, host, consoleErrors }) => {
  const replies: number[] = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => replies.push(typeof f.payload === 'string' ? f.payload.length : f.payload.byteLength)));
  const response = await page.goto(host.url);
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle('Backprop Studio');
  await expect(page.locator('#app')).not.toBeEmpty();
  // The renderer asks the services for something at start; the answers arrive as binary frames.
  await expect.poll(() => replies.length).toBeGreaterThan(0);
  await page.waitForTimeout(1000); // late errors (a failed request, a missing asset) would show by now
  expect(consoleErrors).toEqual([]);
});

test('a request round-trips with its ArrayBuffers intact, and events reach the client', async ({ host }) => {
  const ws = await connect(host);
  const builtins = await call(ws, 'listBuiltins');
  expect(builtins.ok).toBe(true);
  expect((builtins as { value: { name: string }[] }).value.map((b) => b.name)).toContain('iris');

  // A dropped CSV crosses as bytes; the 'dataset' event goes to every client.
  const event = new Promise<unknown>((resolve) => {
    ws.on('message', (data: ArrayBuffer) => {
      const m = decode(data) as { event?: string; payload?: unknown };
      if (m.event === 'dataset') resolve(m.payload);
    });
  });
  const csv = 'a,b,label\n0,0,x\n0,1,y\n1,0,y\n1,1,x\n0.5,0.5,x\n0.2,0.9,y\n';
  const loaded = await call(ws, 'loadDataset', { source: { kind: 'files', files: [{ name: 'xor.csv', bytes: new TextEncoder().encode(csv).buffer }] } });
  expect(loaded).toMatchObject({ ok: true, value: { name: 'xor.csv', rows: 6, shape: [2], classNames: ['x', 'y'] } });
  expect(await event).toMatchObject({ name: 'xor.csv', rows: 6 });

  // Predictions come back as a Float32 ArrayBuffer: rows x classes probabilities summing to 1.
  const spec = { type: 'mlp', inputs: 2, hidden: [3], classes: 2, activation: 'tanh', output: 'softmax', loss: 'cross-entropy' };
  expect((await call(ws, 'prepare', { spec, valSplit: 0, normalize: 'none', seed: 1 })).ok).toBe(true);
  const predicted = await call(ws, 'predict', { inputs: new Float32Array([0, 0, 1, 1, 0.5, 0.25]).buffer, rows: 3 });
  expect(predicted.ok).toBe(true);
  const { probabilities, rows, classes } = (predicted as { value: { probabilities: ArrayBuffer; rows: number; classes: number } }).value;
  expect([rows, classes]).toEqual([3, 2]);
  const p = new Float32Array(probabilities);
  expect(p.length).toBe(6);
  for (let r = 0; r < 3; r++) expect(p[2 * r] + p[2 * r + 1]).toBeCloseTo(1, 6);
  ws.close();
});

test('a bad payload or an unknown request gets a clear error, and the host keeps serving', async ({ host }) => {
  const ws = await connect(host);
  expect(await call(ws, 'predict', { inputs: 'not bytes', rows: 1 })).toEqual({ ok: false, kind: 'input', message: 'predict: inputs: expected an ArrayBuffer, got "not bytes"' });
  expect(await call(ws, 'setLearningRate', { lr: 1e308 })).toMatchObject({ ok: false, kind: 'input', message: expect.stringMatching(/^setLearningRate: lr: expected at most 100/) });
  expect(await call(ws, 'noSuchThing', {})).toEqual({ ok: false, kind: 'input', message: 'unknown request "noSuchThing"' });
  expect(await call(ws, '__proto__', {})).toEqual({ ok: false, kind: 'input', message: 'unknown request "__proto__"' });
  // An unreadable frame: the host answers with an error event and stays up.
  const errorEvent = new Promise<unknown>((resolve) => ws.once('message', (data: ArrayBuffer) => resolve(decode(data))));
  ws.send(new Uint8Array([1, 2, 3]));
  expect(await errorEvent).toMatchObject({ event: 'error', payload: { message: expect.stringContaining('unreadable message') } });
  expect((await call(ws, 'listBuiltins')).ok).toBe(true);
  ws.close();
});

test('requests without the token, with a wrong token, Host or Origin are refused with 403', async ({ host }) => {
  const ok = await get(host, `/?token=${host.token}`);
  expect(ok.status).toBe(200);
  expect(String(ok.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
  const cookie = String(ok.headers['set-cookie']).split(';')[0];
  expect((await get(host, '/', { cookie })).status).toBe(200); // the page's later requests carry the cookie

  expect((await get(host, '/')).status).toBe(403);
  expect((await get(host, '/index.html')).status).toBe(403);
  expect((await get(host, `/?token=${host.token.replace(/.$/, (c) => (c === '0' ? '1' : '0'))}`)).status).toBe(403);
  expect((await get(host, '/?token=short')).status).toBe(403);
  expect((await get(host, `/?token=${host.token}`, { host: `evil.example:${host.port}` })).status).toBe(403); // DNS rebinding
  expect((await get(host, `/?token=${host.token}`, { origin: 'http://evil.example' })).status).toBe(403);
  expect((await get(host, `/?token=${host.token}`, { origin: `http://127.0.0.1:${host.port + 1}` })).status).toBe(403);

  await expect(connect(host, { token: null })).rejects.toThrow('HTTP 403');
  await expect(connect(host, { token: 'f'.repeat(64) })).rejects.toThrow('HTTP 403');
  await expect(connect(host, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  await expect(connect(host, { origin: null })).rejects.toThrow('HTTP 403');
  (await connect(host)).close(); // and the right one gets in
});

test('another web page cannot drive the host, even knowing the token', async ({ page, host }) => {
  // A page on another local origin tries the socket with the right token: its Origin gives it away.
  const evil = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>evil</title>'));
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  try {
    await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
    const outcome = await page.evaluate(
      (url) => new Promise<string>((resolve) => {
        const ws = new WebSocket(url);
        ws.onopen = () => resolve('open');
        ws.onerror = () => resolve('refused');
      }),
      `ws://127.0.0.1:${host.port}/ws?token=${host.token}`,
    );
    expect(outcome).toBe('refused');
  } finally {
    evil.close();
  }
});
