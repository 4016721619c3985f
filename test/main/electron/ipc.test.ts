// The IPC entry without Electron: the sender check, then the services' validation.
import { afterAll, describe, expect, it } from 'vitest';
import { handleIpcRequest, isTrustedSender } from '../../../main/electron/ipc.ts';
import { Services } from '../../../main/services.ts';

const services = new Services({ emit: () => {} });
afterAll(() => services.close());

describe('IPC senders', () => {
  it('trusts only frames of our app:// page', () => {
    expect(isTrustedSender('app://bundle/index.html')).toBe(true);
    for (const url of [undefined, '', 'app://bundle', 'app://bundle.evil/index.html', 'app://bundle@evil/x', 'https://example.com/',
      'file:///home/me/app/index.html', 'http://127.0.0.1:5173/', 'devtools://devtools/bundled/inspector.html']) {
      expect(isTrustedSender(url), String(url)).toBe(false);
    }
  });

  it('answers a foreign sender with a refusal and never reaches the services', async () => {
    expect(await handleIpcRequest(services, 'https://evil.example/', 'listBuiltins', undefined)).toEqual({
      ok: false, kind: 'input', message: 'refused: request from "https://evil.example/", not from the app',
    });
  });

  it('validates the payload of a trusted sender like any other host', async () => {
    expect(await handleIpcRequest(services, 'app://bundle/index.html', 'listBuiltins', undefined)).toMatchObject({ ok: true });
    expect(await handleIpcRequest(services, 'app://bundle/index.html', 'setLearningRate', { lr: 'fast' })).toEqual({
      ok: false, kind: 'input', message: 'setLearningRate: lr: expected a positive number, got "fast"',
    });
    expect(await handleIpcRequest(services, 'app://bundle/index.html', 'constructor', {})).toEqual({
      ok: false, kind: 'input', message: 'unknown request "constructor"',
    });
  });
});
