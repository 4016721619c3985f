import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { menuTemplate } from '../../../main/electron/menu.ts';

function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((m) => [m, ...(Array.isArray(m.submenu) ? items(m.submenu) : [])]);
}

describe('the application menu', () => {
  const calls: string[] = [];
  const template = menuTemplate(
    {
      openDataset: (pick) => calls.push(`open ${pick}`),
      importWeights: () => calls.push('import'),
      exportWeights: () => calls.push('export'),
      training: (c) => calls.push(`training ${c}`),
      about: () => calls.push('about'),
    },
    false,
  );
  const byLabel = (label: string) => items(template).find((i) => i.label === label)!;

  it('has the File, Training and Help items the issue lists, each with its action', () => {
    for (const label of ['Open Dataset…', 'Import Weights…', 'Export Weights…', 'Start', 'Pause', 'Resume', 'Stop', 'About Backprop Studio']) {
      (byLabel(label).click as () => void)();
    }
    expect(calls).toEqual(['open file', 'import', 'export', 'training start', 'training pause', 'training resume', 'training stop', 'about']);
    expect(items(template).some((i) => i.role === 'quit')).toBe(true);
    expect(items(template).some((i) => i.role === 'reload' || i.role === 'forceReload')).toBe(false);
  });

  it('gives shortcuts that do not collide', () => {
    const accelerators = items(template).map((i) => i.accelerator).filter(Boolean);
    expect(accelerators.length).toBeGreaterThanOrEqual(8);
    expect(new Set(accelerators).size).toBe(accelerators.length);
    expect(byLabel('Open Dataset…').accelerator).toBe('CmdOrCtrl+O');
  });

  it('adds the app menu on macOS only', () => {
    expect(template.some((m) => m.role === 'appMenu')).toBe(false);
    expect(menuTemplate({ openDataset() {}, importWeights() {}, exportWeights() {}, training() {}, about() {} }, true)[0].role).toBe('appMenu');
  });
});
