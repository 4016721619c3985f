import { existsSync } from 'node:fs';

// The browser host serves the built renderer: fail at once, with the fix, rather than in every test.
export default function globalSetup(): void {
  if (!existsSync('out/renderer/index.html')) throw new Error('no built renderer (out/renderer): run npm run build first (npm test does)');
}
