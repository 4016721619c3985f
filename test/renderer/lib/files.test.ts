import { describe, expect, it } from 'vitest';
import { readDrop, readFiles } from '../../../renderer/src/lib/files.ts';

// Stand-ins for the browser's FileSystemEntry API, as a dropped folder presents it: directory
// readers hand out their entries in batches (Chromium: 100 at a time) until an empty batch.
function fileEntry(path: string, text: string): FileSystemFileEntry {
  const name = path.split('/').pop()!;
  return {
    isFile: true, isDirectory: false, name, fullPath: `/${path}`,
    file: (ok: (f: File) => void) => ok(new File([text], name)),
  } as unknown as FileSystemFileEntry;
}

function dirEntry(path: string, children: FileSystemEntry[], batch = 2): FileSystemDirectoryEntry {
  return {
    isFile: false, isDirectory: true, name: path.split('/').pop()!, fullPath: `/${path}`,
    createReader: () => {
      let at = 0;
      return { readEntries: (ok: (e: FileSystemEntry[]) => void) => ok(children.slice(at, (at += batch))) };
    },
  } as unknown as FileSystemDirectoryEntry;
}

function transfer(items: { entry: FileSystemEntry | null; file?: File }[]): DataTransfer {
  return {
    items: items.map(({ entry, file }) => ({ kind: 'file', webkitGetAsEntry: () => entry, getAsFile: () => file ?? null })),
  } as unknown as DataTransfer;
}

const text = (b: ArrayBuffer) => new TextDecoder().decode(b);

describe('readDrop', () => {
  it('walks a dropped folder through every batch, keeping relative paths', async () => {
    const digits = dirEntry('digits', [
      dirEntry('digits/0', [fileEntry('digits/0/a.png', 'A'), fileEntry('digits/0/b.png', 'B'), fileEntry('digits/0/c.png', 'C')]),
      dirEntry('digits/1', [fileEntry('digits/1/d.png', 'D')]),
    ]);
    const files = await readDrop(transfer([{ entry: digits }]));
    expect(files.map((f) => [f.name, f.relativePath, text(f.bytes)])).toEqual([
      ['a.png', 'digits/0/a.png', 'A'],
      ['b.png', 'digits/0/b.png', 'B'],
      ['c.png', 'digits/0/c.png', 'C'],
      ['d.png', 'digits/1/d.png', 'D'],
    ]);
  });

  it('takes a file dropped on its own, with or without an entry, without a folder path', async () => {
    const files = await readDrop(transfer([
      { entry: fileEntry('points.csv', '1,2,x\n') },
      { entry: null, file: new File(['3,4,y\n'], 'more.csv') }, // a synthetic DataTransfer has no entries
    ]));
    expect(files.map((f) => [f.name, f.relativePath, text(f.bytes)])).toEqual([
      ['points.csv', undefined, '1,2,x\n'],
      ['more.csv', undefined, '3,4,y\n'],
    ]);
  });
});

describe('readFiles', () => {
  it('keeps webkitRelativePath from a folder picker and omits it otherwise', async () => {
    const inFolder = Object.defineProperty(new File(['P'], 'a.png'), 'webkitRelativePath', { value: 'set/a.png' });
    const files = await readFiles([inFolder, new File(['Q'], 'b.csv')]);
    expect(files[0]).toMatchObject({ name: 'a.png', relativePath: 'set/a.png' });
    expect('relativePath' in files[1]).toBe(false);
  });
});
