import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_URL, resolveAppFile } from '../../../main/electron/protocol.ts';

const root = '/opt/app/out/renderer';

describe('app:// serves the renderer folder and nothing else', () => {
  it('maps app://bundle paths into the folder', () => {
    expect(resolveAppFile(root, APP_URL)).toBe(join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://bundle/')).toBe(join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://bundle/assets/index-1.js?x=1#y')).toBe(join(root, 'assets/index-1.js'));
  });

  it('refuses other hosts, schemes and every way out of the folder', () => {
    for (const url of [
      'app://other/index.html', 'file:///etc/passwd', 'https://bundle/index.html', 'app://bundle/../../etc/passwd',
      'app://bundle/%2e%2e/%2e%2e/etc/passwd', 'app://bundle/assets/..%2f..%2f..%2fetc/passwd', 'app://bundle/a%5c..%5c..%5csecret',
      'app://bundle/%00', 'app://bundle/%E0%A4%A', 'not a url',
    ]) {
      const file = resolveAppFile(root, url); // ('..' may be resolved by the URL parser: still inside)
      expect(file === null || file.startsWith(`${root}/`), `${url} -> ${file}`).toBe(true);
    }
    expect(resolveAppFile(root, 'app://other/index.html')).toBeNull();
    expect(resolveAppFile(root, 'file:///etc/passwd')).toBeNull();
    expect(resolveAppFile(root, 'app://bundle/%00')).toBeNull();
  });
});
