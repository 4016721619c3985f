// The one API object the renderer uses, the same in both hosts: in Electron the preload's bridge
// (window.backprop, IPC underneath), in the browser host a WebSocket to the page's own origin.
// Both transports answer with a Reply envelope; here it becomes a value or an ApiError.
import {
  ApiError,
  eventMethod,
  eventNames,
  requestNames,
  type BackpropApi,
  type Bridge,
  type EventName,
  type Reply,
  type RequestName,
} from '../../main/api/contract.ts';
import { decode, encode } from '../../main/api/wire.ts';

declare global {
  interface Window {
    backprop?: Bridge;
  }
}

interface Transport {
  request(name: RequestName, payload: unknown): Promise<Reply>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

function bridgeTransport(bridge: Bridge): Transport {
  return {
    request: (name, payload) => bridge[name](payload),
    subscribe: (event, listener) => bridge[eventMethod(event)](listener),
  };
}

/** The browser host: requests `{id, name, payload}`, replies `{id, reply}`, events `{event, payload}`.
 *  The token comes from the page's URL; the socket also carries the host's cookie. */
function socketTransport(): Transport {
  const url = new URL('/ws', location.href);
  url.search = location.search; // the token
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  const opened = new Promise<void>((resolve) => socket.addEventListener('open', () => resolve(), { once: true }));
  const pending = new Map<number, (reply: Reply) => void>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let closed = false;

  const emit = (event: EventName, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));

  socket.addEventListener('message', (m) => {
    const message = decode(m.data as ArrayBuffer) as { id?: number; reply?: Reply; event?: EventName; payload?: unknown };
    if (message.id !== undefined && message.reply) {
      pending.get(message.id)?.(message.reply);
      pending.delete(message.id);
    } else if (message.event) {
      emit(message.event, message.payload);
    }
  });
  socket.addEventListener('close', () => {
    closed = true;
    const lost: Reply = { ok: false, kind: 'internal', message: 'lost the connection to the browser host: restart `npm run serve` and open its new URL' };
    pending.forEach((answer) => answer(lost));
    pending.clear();
    emit('error', { message: lost.message });
  });

  return {
    async request(name, payload) {
      await opened;
      if (closed) return { ok: false, kind: 'internal', message: 'not connected to the browser host' };
      const id = nextId++;
      return new Promise<Reply>((resolve) => {
        pending.set(id, resolve);
        socket.send(encode({ id, name, payload }));
      });
    },
    subscribe(event, listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return () => listeners.get(event)?.delete(listener);
    },
  };
}

function createApi(transport: Transport): BackpropApi {
  const api: Record<string, unknown> = {};
  for (const name of requestNames) {
    api[name] = async (payload?: unknown) => {
      const reply = await transport.request(name, payload);
      if (!reply.ok) throw new ApiError(reply.message, reply.kind);
      return reply.value;
    };
  }
  for (const event of eventNames) api[eventMethod(event)] = (listener: (payload: unknown) => void) => transport.subscribe(event, listener);
  return api as BackpropApi;
}

export const api: BackpropApi = createApi(window.backprop ? bridgeTransport(window.backprop) : socketTransport());
