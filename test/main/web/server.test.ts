// The browser host in-process: static files confined to the renderer folder, methods, headers.
// (Token, Host and Origin checks run in test/e2e/shell.spec.ts against the real served app.)
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStatic } from '../../../main/static.ts';
import { startBrowserHost, type BrowserHost } from '../../../main/web/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'bps-web-'));
const rendererDir = join(dir, 'renderer');
mkdirSync(join(rendererDir, 'assets'), { recursive: true });
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
writeFileSync(join(rendererDir, 'assets', 'a.js'), 'export {}');
writeFileSync(join(dir, 'secret.txt'), 'secret');

let host: BrowserHost;
beforeAll(async () => {
  host = await startBrowserHost({ rendererDir, token: 'test-token' });
});
afterAll(() => host.close());

function raw(method: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, method, path, headers: { host: `127.0.0.1:${host.port}` } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('resolveStatic', () => {
  it('keeps every path inside the root', () => {
    expect(resolveStatic('/r', '/')).toBe('/r/index.html');
    expect(resolveStatic('/r', '/assets/a.js')).toBe('/r/assets/a.js');
    for (const p of ['/../secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e/secret.txt', '/a%5c..%5c..%5csecret', '/%00', '/%E0%A4%A', 'relative']) {
      expect(resolveStatic('/r', p), p).toBeNull();
    }
  });
});

describe('the browser host over HTTP', () => {
  it('serves the renderer with security headers, and sets the token cookie', async () => {
    const r = await raw('GET', '/?token=test-token');
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>t</title>');
    expect(r.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "frame-ancestors 'none'",
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    expect(r.headers['set-cookie']).toEqual([`backprop_token_${host.port}=test-token; HttpOnly; SameSite=Strict; Path=/`]);
    expect((await raw('GET', '/assets/a.js?token=test-token')).headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e/secret.txt']) {
      const r = await raw('GET', `${path}?token=test-token`);
      expect(r.status, path).toBe(404);
      expect(r.body).not.toContain('secret');
    }
  });

  it('answers only GET and HEAD', async () => {
    expect((await raw('POST', '/?token=test-token')).status).toBe(405);
    expect((await raw('DELETE', '/?token=test-token')).status).toBe(405);
    const head = await raw('HEAD', '/?token=test-token');
    expect([head.status, head.body]).toEqual([200, '']);
  });

  it('refuses before anything else when the token is missing', async () => {
    const r = await raw('GET', '/../secret.txt');
    expect(r.status).toBe(403);
    expect(r.body).toBe('403 forbidden: missing or wrong token; open the URL that npm run serve printed');
  });
});
