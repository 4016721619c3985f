// The browser host: the same services as the Electron app behind HTTP + WebSocket on 127.0.0.1.
//
// Who may talk to it: whoever holds this run's random token. Every HTTP request and every socket
// must present it (the printed URL's ?token=, after which an HttpOnly SameSite=Strict cookie carries
// it for the page's assets and socket) AND name this server in Host (no DNS rebinding) and, when
// sent, Origin (no other web page); otherwise 403. So another web page or another local user can
// neither drive training nor read files.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventName, EventPayload } from '../api/contract.ts';
import { decode, encode, WireError } from '../api/wire.ts';
import { Services } from '../services.ts';
import { contentType, resolveStatic } from '../static.ts';

export interface BrowserHostOptions {
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0: any free port. */
  port?: number;
  /** Default: 32 random bytes, hex. */
  token?: string;
  workerFile?: string;
}

export interface BrowserHost {
  url: string; // with the token
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const MAX_MESSAGE = 1.25 * 2 ** 30; // a dataset file may be up to 1 GiB (the loader's limit)

// frame-ancestors cannot be set by the page's meta CSP: no other page may frame this one.
const HEADERS = {
  'content-security-policy': "frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

function sameToken(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = options.token ?? randomBytes(32).toString('hex');
  const sockets = new Set<WebSocket>();

  function emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    if (sockets.size === 0) return;
    const frame = encode({ event, payload });
    for (const s of sockets) if (s.readyState === s.OPEN) s.send(frame);
  }
  const services = new Services({ emit, workerFile: options.workerFile });

  let port = 0;
  const cookieName = () => `backprop_token_${port}`;
  const hosts = () => [`${HOST}:${port}`, `localhost:${port}`];
  const origins = () => hosts().map((h) => `http://${h}`);

  /** Why the request is refused, or null when it may proceed. `originRequired` for sockets:
   *  browsers always send Origin on a WebSocket handshake. */
  function refusal(req: IncomingMessage, url: URL, originRequired: boolean): string | null {
    if (!hosts().includes(req.headers.host ?? '')) return 'wrong Host';
    const origin = req.headers.origin;
    if (origin === undefined ? originRequired : !origins().includes(origin)) return 'wrong Origin';
    if (!sameToken(url.searchParams.get('token'), token) && !sameToken(cookie(req, cookieName()), token)) return 'missing or wrong token';
    return null;
  }

  async function serveFile(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...HEADERS, allow: 'GET, HEAD' }).end();
      return;
    }
    const file = resolveStatic(options.rendererDir, url.pathname);
    let body: Buffer;
    try {
      if (!file) throw new Error('outside');
      body = await readFile(file);
    } catch {
      res.writeHead(404, { ...HEADERS, 'content-type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    const headers: Record<string, string> = { ...HEADERS, 'content-type': contentType(file), 'cache-control': 'no-store' };
    if (url.searchParams.has('token')) {
      headers['set-cookie'] = `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    const why = refusal(req, url, false);
    if (why) {
      res.writeHead(403, { ...HEADERS, 'content-type': 'text/plain; charset=utf-8' }).end(`403 forbidden: ${why}; open the URL that npm run serve printed`);
      return;
    }
    serveFile(req, res, url).catch((e: unknown) => {
      console.error('browser host:', e);
      if (!res.headersSent) res.writeHead(500, HEADERS);
      res.end();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    const why = url.pathname === '/ws' ? refusal(req, url, true) : 'not found';
    if (why) {
      socket.end(`HTTP/1.1 ${why === 'not found' ? '404 Not Found' : '403 Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
  });

  function accept(ws: WebSocket): void {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('error', () => sockets.delete(ws));
    ws.on('message', (data, isBinary) => void answer(ws, data, isBinary));
  }

  async function answer(ws: WebSocket, data: unknown, isBinary: boolean): Promise<void> {
    let message: unknown;
    try {
      if (!isBinary || !(data instanceof Buffer)) throw new WireError('expected a binary frame');
      message = decode(data);
    } catch (e) {
      ws.send(encode({ event: 'error', payload: { message: `browser host: unreadable message (${(e as Error).message})` } }));
      return;
    }
    const { id, name, payload } = (message ?? {}) as { id?: unknown; name?: unknown; payload?: unknown };
    if (!Number.isSafeInteger(id)) {
      ws.send(encode({ event: 'error', payload: { message: 'browser host: a request needs an integer id' } }));
      return;
    }
    const reply = await services.call(name, payload);
    if (ws.readyState === ws.OPEN) ws.send(encode({ id, reply }));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${HOST}:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    async close() {
      for (const s of sockets) s.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
    },
  };
}
