import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW, restoreWindowState, windowOptions } from '../../../main/electron/window.ts';

const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];

describe('the main window', () => {
  it('writes every security setting out explicitly', () => {
    const o = windowOptions('/app/out/preload/index.cjs', DEFAULT_WINDOW);
    expect(o.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    });
    expect(o.webPreferences).not.toHaveProperty('enableBlinkFeatures');
    expect(o.show).toBe(false);
  });

  it('restores a saved size and position that is still on a screen', () => {
    const saved = JSON.stringify({ x: 100, y: 50, width: 1000, height: 700, maximized: true });
    expect(restoreWindowState(saved, screen)).toEqual({ x: 100, y: 50, width: 1000, height: 700, maximized: true });
    expect(windowOptions('p', restoreWindowState(saved, screen))).toMatchObject({ x: 100, y: 50, width: 1000, height: 700 });
  });

  it('drops a position whose monitor is gone, keeps the size', () => {
    const saved = JSON.stringify({ x: 3000, y: 50, width: 1000, height: 700, maximized: false });
    expect(restoreWindowState(saved, screen)).toEqual({ width: 1000, height: 700, maximized: false });
    expect(windowOptions('p', restoreWindowState(saved, screen))).not.toHaveProperty('x');
  });

  it('falls back to the default on a missing, corrupt or hostile file', () => {
    for (const saved of [null, '', '{', 'null', '[]', '{"width":"big"}', '{"width":10,"height":10,"maximized":false}',
      '{"width":1e9,"height":700,"maximized":false}', '{"__proto__":{"width":900},"height":700,"maximized":false}']) {
      expect(restoreWindowState(saved, screen), String(saved)).toEqual(DEFAULT_WINDOW);
    }
  });
});
