// The IPC entry point, without Electron: a request is answered only for our own page (the sender's
// frame is app://bundle), then goes to the services, which validate its payload.
import type { Reply } from '../api/contract.ts';
import type { Services } from '../services.ts';
import { APP_ORIGIN } from './protocol.ts';

export function isTrustedSender(frameUrl: string | undefined): boolean {
  // Prefix with the slash: "app://bundle.evil/" or "app://bundle@x/" do not pass.
  return typeof frameUrl === 'string' && frameUrl.startsWith(`${APP_ORIGIN}/`);
}

export async function handleIpcRequest(services: Services, frameUrl: string | undefined, name: unknown, payload: unknown): Promise<Reply> {
  if (!isTrustedSender(frameUrl)) return { ok: false, kind: 'input', message: `refused: request from ${JSON.stringify(String(frameUrl).slice(0, 100))}, not from the app` };
  return services.call(name, payload);
}
