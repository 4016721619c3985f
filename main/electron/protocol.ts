// The renderer is served from a custom app:// scheme rather than file:// (Electron security
// checklist: a file:// page may read any file; app:// serves the renderer folder only).
import { resolveStatic } from '../static.ts';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = 'app://bundle';
export const APP_URL = `${APP_ORIGIN}/index.html`;

/** The file under `root` that an app:// URL names, or null for anything else. */
export function resolveAppFile(root: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== 'bundle') return null;
  return resolveStatic(root, parsed.pathname);
}
