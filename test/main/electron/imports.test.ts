// Electron's binary is not installed where the Node tests run, so a module they load must not import
// `electron` at runtime: only the entry points (main.ts, preload.ts; built by electron-vite, never
// loaded by a test) may. Every other module takes Electron's types only (`import type`).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const ENTRY_POINTS = ['main/electron/main.ts', 'main/electron/preload.ts'];
// A statement at the start of a line (not a string or comment that mentions one); ESM only.
const RUNTIME_IMPORT = /^(import|export)\s+(?!type\b)[^;]*?\bfrom\s+['"]electron['"]/m;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => relative(root, join(root, dir, f)).split('\\').join('/'));
}

describe('imports of electron', () => {
  it('the pattern tells a runtime import from a type-only one', () => {
    expect(RUNTIME_IMPORT.test("import { app } from 'electron';")).toBe(true);
    expect(RUNTIME_IMPORT.test("import { type Rectangle, screen } from 'electron';")).toBe(true);
    expect(RUNTIME_IMPORT.test("import {\n  app,\n  screen,\n} from 'electron';")).toBe(true);
    expect(RUNTIME_IMPORT.test("import type { Rectangle } from 'electron';")).toBe(false);
    expect(RUNTIME_IMPORT.test("import { x } from 'electron-vite';")).toBe(false);
    expect(RUNTIME_IMPORT.test("  // a sandboxed preload can import { ipcRenderer } from 'electron'")).toBe(false);
  });

  it('only the entry points import electron at runtime', () => {
    const files = [...sources('main'), ...sources('engine'), ...sources('test/main')];
    expect(files).toContain('main/electron/window.ts');
    for (const entry of ENTRY_POINTS) expect(RUNTIME_IMPORT.test(readFileSync(join(root, entry), 'utf8')), entry).toBe(true);
    const offenders = files.filter((f) => !ENTRY_POINTS.includes(f) && RUNTIME_IMPORT.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
