// The Electron main process: a thin shell around the services (main/services.ts), which do all
// the work. It owns the window, the app:// protocol, the IPC entry, the menu, the native dialogs,
// the taskbar progress and the end-of-training notification.
/// <reference types="electron-vite/node" />
import { readFile, writeFile } from 'node:fs/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, protocol, screen, session, type IpcMainInvokeEvent } from 'electron';
import wasmFile from '../../engine/wasm/kernels.wasm?asset';
import workerFile from '../../engine/worker.ts?modulePath';
import { IPC_EVENT, IPC_REQUEST, type EventName, type EventPayload } from '../api/contract.ts';
import { Services } from '../services.ts';
import { InputError } from '../../engine/errors.ts';
import { handleIpcRequest } from './ipc.ts';
import { menuTemplate } from './menu.ts';
import { endNotice, runProgress } from './progress.ts';
import { contentType } from '../static.ts';
import { APP_SCHEME, APP_URL, resolveAppFile } from './protocol.ts';
import { restoreWindowState, windowOptions } from './window.ts';

const here = dirname(fileURLToPath(import.meta.url)); // out/main
const rendererDir = join(here, '../renderer');
const preloadFile = join(here, '../preload/index.cjs');
const stateFile = () => join(app.getPath('userData'), 'window-state.json');

// Must precede 'ready': app:// behaves like https (secure context, fetch, relative URLs).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let win: BrowserWindow | null = null;
let lastEpoch: EventPayload<'epoch'> | null = null;
let progress = 0;

function emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
  if (!win || win.isDestroyed()) return;
  win.webContents.send(IPC_EVENT, event, payload);
  if (event === 'metrics') win.setProgressBar((progress = runProgress(payload as EventPayload<'metrics'>)));
  if (event === 'epoch') lastEpoch = payload as EventPayload<'epoch'>;
  if (event === 'state') {
    const state = payload as EventPayload<'state'>;
    if (state.state === 'paused') win.setProgressBar(progress, { mode: 'paused' });
    else if (state.state !== 'running') win.setProgressBar(-1);
    const notice = endNotice(state, lastEpoch);
    if (notice && Notification.isSupported()) new Notification(notice).show();
    if (state.state === 'idle') lastEpoch = null; // the session ended: the next run starts afresh
  }
}

const services = new Services({
  emit,
  workerFile,
  wasmFile,
  hooks: {
    async choosePath(pick) {
      const options = { title: 'Open Dataset', properties: [pick === 'folder' ? ('openDirectory' as const) : ('openFile' as const)] };
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0];
    },
    async saveText(fileName, text) {
      const options = { title: 'Export Weights', defaultPath: join(app.getPath('documents'), fileName), filters: [{ name: 'Weights', extensions: ['json'] }] };
      const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      if (r.canceled || !r.filePath) return null;
      // A disk full or a read-only folder is the user's to fix: say which file, not "internal error".
      await writeFile(r.filePath, text).catch((e: NodeJS.ErrnoException) => {
        throw new InputError(`${r.filePath}: cannot write the weights file: ${e.code ?? e.message}`);
      });
      return r.filePath;
    },
  },
});

/** A menu action's failure goes to the renderer like any other error event. */
async function menuCall(name: Parameters<Services['call']>[0], payload?: unknown): Promise<void> {
  const reply = await services.call(name, payload);
  if (!reply.ok) emit('error', { message: reply.message });
}

async function importWeightsFromDialog(): Promise<void> {
  const options = { title: 'Import Weights', properties: ['openFile' as const], filters: [{ name: 'Weights', extensions: ['json'] }] };
  const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  if (r.canceled || r.filePaths.length === 0) return;
  const path = r.filePaths[0];
  await menuCall('importWeights', { name: basename(path), text: await readFile(path, 'utf8') });
}

function createWindow(): void {
  let saved: string | null = null;
  try {
    saved = readFileSync(stateFile(), 'utf8');
  } catch {
    // first start
  }
  const state = restoreWindowState(saved, screen.getAllDisplays().map((d) => d.workArea));
  win = new BrowserWindow(windowOptions(preloadFile, state));
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win?.show());
  win.on('close', () => {
    if (!win) return;
    const b = win.getNormalBounds();
    try {
      writeFileSync(stateFile(), JSON.stringify({ ...b, maximized: win.isMaximized() }));
    } catch (e) {
      console.error('could not save the window state:', e);
    }
  });
  win.on('closed', () => (win = null));
  void win.loadURL(APP_URL);
}

function secure(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (e) => e.preventDefault()); // the app is one page
    contents.on('will-redirect', (e) => e.preventDefault());
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(rendererDir, request.url);
    if (!file) return new Response('not found', { status: 404 });
    try {
      return new Response(await readFile(file), { headers: { 'content-type': contentType(file), 'x-content-type-options': 'nosniff' } });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
  ipcMain.handle(IPC_REQUEST, (event: IpcMainInvokeEvent, name: unknown, payload: unknown) => {
    // Only our window's own frame: not another window, not a subframe.
    const fromWindow = win !== null && event.sender === win.webContents && event.senderFrame === win.webContents.mainFrame;
    return handleIpcRequest(services, fromWindow ? event.senderFrame?.url : undefined, name, payload);
  });
}

function buildMenu(): void {
  const template = menuTemplate(
    {
      openDataset: (pick) => void menuCall('loadDataset', { source: { kind: 'dialog', pick } }),
      importWeights: () => void importWeightsFromDialog().catch((e: Error) => emit('error', { message: `import weights: ${e.message}` })),
      exportWeights: () => void menuCall('exportWeights'),
      training: (command) => emit('command', { command }),
      about: () =>
        void dialog.showMessageBox({
          type: 'info',
          title: 'About Backprop Studio',
          message: `Backprop Studio ${app.getVersion()}`,
          detail: `Train neural networks offline with backpropagation written by hand.\nElectron ${process.versions.electron}, Chromium ${process.versions.chrome}, Node ${process.versions.node}.`,
        }),
    },
    process.platform === 'darwin',
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.whenReady().then(() => {
    secure();
    buildMenu();
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => void services.close());
}
