// Sandboxed preload (built to CommonJS): exposes exactly one function per request and one
// subscription per event of the contract on window.backprop, never ipcRenderer itself.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { eventMethod, eventNames, IPC_EVENT, IPC_REQUEST, requestNames, type Bridge, type EventName, type Reply } from '../api/contract.ts';

const listeners = new Map<EventName, Set<(payload: unknown) => void>>(eventNames.map((e) => [e, new Set()]));
ipcRenderer.on(IPC_EVENT, (_e: IpcRendererEvent, name: EventName, payload: unknown) => listeners.get(name)?.forEach((l) => l(payload)));

const bridge: Record<string, unknown> = {};
for (const name of requestNames) {
  bridge[name] = (payload?: unknown): Promise<Reply> => ipcRenderer.invoke(IPC_REQUEST, name, payload);
}
for (const event of eventNames) {
  bridge[eventMethod(event)] = (listener: (payload: unknown) => void) => {
    if (typeof listener !== 'function') throw new TypeError(`${eventMethod(event)}: expected a function`);
    listeners.get(event)!.add(listener);
    return () => void listeners.get(event)!.delete(listener);
  };
}

contextBridge.exposeInMainWorld('backprop', bridge as Bridge);
