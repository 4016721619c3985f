// One build for both hosts: main + preload for Electron, and the renderer that Electron loads and
// the browser host serves (out/renderer). The trainer's worker is its own chunk (main/electron/main.ts
// imports it with ?modulePath), with piscina kept external: bundled, Piscina.move() breaks.
import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      rollupOptions: { input: { index: resolve('main/electron/main.ts') } },
    },
  },
  preload: {
    build: {
      // Sandboxed preloads can require only 'electron': bundle everything else, as CommonJS.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('main/electron/preload.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    base: './',
    build: { rollupOptions: { input: resolve('renderer/index.html') } },
    plugins: [svelte()],
  },
});
