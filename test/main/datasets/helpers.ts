import { expect } from 'vitest';
import { InputError } from '../../../engine/errors.ts';
import { loadDataset, type Dataset, type LoadOptions } from '../../../main/datasets/index.ts';

export function file(name: string, content: string | Uint8Array, relativePath?: string) {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return { name, bytes, ...(relativePath && { relativePath }) };
}

/** Loads one dropped file. */
export function loadText(name: string, content: string | Uint8Array, options?: LoadOptions): Promise<Dataset> {
  return loadDataset({ files: [file(name, content)] }, options);
}

/** The load fails with an InputError (a DatasetError, or the engine's for invalid JSON) whose
 *  message is exactly `message`: one line, no stack. */
export async function expectDatasetError(loading: Promise<unknown>, message: string): Promise<void> {
  const error = await loading.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  expect((error as Error).message).toBe(message);
  expect((error as Error).message).not.toContain('\n');
}

export function rowsOf(ds: Dataset): number[][] {
  const m = ds.features.length / ds.rows;
  return Array.from({ length: ds.rows }, (_, r) => Array.from(ds.features.subarray(r * m, (r + 1) * m)));
}
