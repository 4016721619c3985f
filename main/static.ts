// Serving the built renderer's files, shared by Electron's app:// protocol and the browser host.
import { extname, join, normalize, sep } from 'node:path';

/** The file under `root` that a URL path names ('/' is index.html), or null when the path is
 *  malformed or leaves `root` ('..', encoded separators, NUL). */
export function resolveStatic(root: string, pathname: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (!path.startsWith('/') || path.includes('\0') || path.includes('\\')) return null;
  const base = normalize(root);
  const file = normalize(join(base, path === '/' ? 'index.html' : path));
  return file.startsWith(base.endsWith(sep) ? base : base + sep) ? file : null;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.woff2': 'font/woff2', '.wasm': 'application/wasm', '.ico': 'image/x-icon',
};

export const contentType = (file: string): string => TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
