// The main window's options and remembered geometry: plain data, so tests check them without Electron.
import * as v from 'valibot';
import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';

export interface WindowState { x?: number; y?: number; width: number; height: number; maximized: boolean }

export const DEFAULT_WINDOW: WindowState = { width: 1400, height: 900, maximized: false };
const MIN = { width: 800, height: 600 };

const StateSchema = v.object({
  x: v.optional(v.pipe(v.number(), v.integer())),
  y: v.optional(v.pipe(v.number(), v.integer())),
  width: v.pipe(v.number(), v.integer(), v.minValue(MIN.width), v.maxValue(100_000)),
  height: v.pipe(v.number(), v.integer(), v.minValue(MIN.height), v.maxValue(100_000)),
  maximized: v.boolean(),
});

/** The saved state if it is valid and its title bar is on one of `displays` (a monitor may have
 *  been unplugged since), else the default. */
export function restoreWindowState(saved: string | null, displays: Rectangle[]): WindowState {
  let parsed: unknown;
  try {
    parsed = saved === null ? null : JSON.parse(saved);
  } catch {
    return DEFAULT_WINDOW;
  }
  const result = v.safeParse(StateSchema, parsed);
  if (!result.success) return DEFAULT_WINDOW;
  const s = result.output;
  if (s.x === undefined || s.y === undefined) return { width: s.width, height: s.height, maximized: s.maximized };
  const { x, y } = s;
  const titleVisible = displays.some((d) => x + 100 > d.x && x < d.x + d.width - 100 && y >= d.y && y < d.y + d.height - 50);
  return titleVisible ? s : { width: s.width, height: s.height, maximized: s.maximized };
}

/** Security settings written out explicitly (Electron's security checklist, see the README). */
export function windowOptions(preload: string, state: WindowState): BrowserWindowConstructorOptions {
  return {
    ...(state.x !== undefined && state.y !== undefined && { x: state.x, y: state.y }),
    width: state.width,
    height: state.height,
    minWidth: MIN.width,
    minHeight: MIN.height,
    title: 'Backprop Studio',
    show: false, // shown on ready-to-show: no white flash
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false, // a file dropped outside the drop zone must not replace the app
      spellcheck: false,
    },
  };
}
