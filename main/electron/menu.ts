// The application menu as data (tested without Electron). File items are done by the main process
// (native dialogs; the results reach the renderer as 'dataset' / 'model' events); Training items go
// to the renderer as commands, which runs them like its own buttons (Start needs its settings).
import type { MenuItemConstructorOptions } from 'electron';
import type { MENU_COMMANDS } from '../api/contract.ts';

export interface MenuActions {
  openDataset(pick: 'file' | 'folder'): void;
  importWeights(): void;
  exportWeights(): void;
  training(command: (typeof MENU_COMMANDS)[number]): void;
  about(): void;
}

export function menuTemplate(a: MenuActions, isMac: boolean): MenuItemConstructorOptions[] {
  const item = (label: string, click: () => void, accelerator?: string): MenuItemConstructorOptions => ({ label, accelerator, click });
  return [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        item('Open Dataset…', () => a.openDataset('file'), 'CmdOrCtrl+O'),
        item('Open Dataset Folder…', () => a.openDataset('folder'), 'CmdOrCtrl+Shift+O'),
        { type: 'separator' },
        item('Import Weights…', () => a.importWeights(), 'CmdOrCtrl+I'),
        item('Export Weights…', () => a.exportWeights(), 'CmdOrCtrl+E'),
        { type: 'separator' },
        { role: 'quit', accelerator: 'CmdOrCtrl+Q' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&Training',
      submenu: [
        item('Start', () => a.training('start'), 'CmdOrCtrl+Enter'),
        item('Pause', () => a.training('pause'), 'CmdOrCtrl+P'),
        item('Resume', () => a.training('resume'), 'CmdOrCtrl+Shift+P'),
        item('Stop', () => a.training('stop'), 'CmdOrCtrl+.'),
      ],
    },
    // No reload item: the renderer's state lives on, but a reload mid-drag would only confuse.
    {
      label: '&View',
      submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }, { role: 'toggleDevTools' }],
    },
    { role: 'windowMenu' },
    { label: '&Help', role: 'help', submenu: [item('About Backprop Studio', () => a.about())] },
  ];
}
