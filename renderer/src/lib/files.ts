// Dropped or picked files and folders as the bytes the dataset loader takes, in both hosts:
// the renderer reads them, so the Electron and browser hosts receive the very same payload.

export interface PickedFile {
  name: string;
  relativePath?: string; // "digits/3/a.png" for a file inside a dropped or picked folder
  bytes: ArrayBuffer;
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** All entries of a directory: readEntries returns them in batches until an empty one. */
async function entriesOf(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

async function walk(entry: FileSystemEntry, out: PickedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await fileOf(entry as FileSystemFileEntry);
    const path = entry.fullPath.replace(/^\//, ''); // a file dropped on its own has no folder path
    out.push({ name: file.name, ...(path.includes('/') && { relativePath: path }), bytes: await file.arrayBuffer() });
  } else if (entry.isDirectory) {
    for (const child of await entriesOf(entry as FileSystemDirectoryEntry)) await walk(child, out);
  }
}

/**
 * Files of a drop, folders walked recursively. Entries must be taken synchronously during the
 * drop event (the DataTransfer is emptied afterwards); a synthetic DataTransfer has no entries,
 * so plain files fall back to getAsFile().
 */
export function readDrop(transfer: DataTransfer): Promise<PickedFile[]> {
  const entries: FileSystemEntry[] = [];
  const plain: File[] = [];
  for (const item of Array.from(transfer.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) plain.push(file);
    }
  }
  return (async () => {
    const out: PickedFile[] = [];
    for (const entry of entries) await walk(entry, out);
    out.push(...(await readFiles(plain)));
    return out;
  })();
}

/** Files from an <input type="file"> (with `webkitdirectory`, each carries its relative path). */
export async function readFiles(files: Iterable<File>): Promise<PickedFile[]> {
  const out: PickedFile[] = [];
  for (const file of files) {
    const relativePath = file.webkitRelativePath || undefined;
    out.push({ name: file.name, ...(relativePath ? { relativePath } : {}), bytes: await file.arrayBuffer() });
  }
  return out;
}
