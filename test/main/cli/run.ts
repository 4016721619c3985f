// Shared by the CLI tests: the CLI run as a user runs it, and a scratch folder per test file.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect } from 'vitest';

export const root = new URL('../../../', import.meta.url).pathname;

/** `npm run cli -- ...args`: exit code and output, whatever the code. */
export async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npx', ['tsx', 'main/cli/index.ts', ...args], { cwd: root, maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const { code, stdout, stderr } = e as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

/** Runs the command, expects exit 0 and nothing on stderr; returns stdout. */
export async function ok(...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await cli(...args);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return stdout;
}

/** Runs the command, expects exit 2 and exactly one line on stderr; returns that line. */
export async function badInput(...args: string[]): Promise<string> {
  const { code, stderr } = await cli(...args);
  expect({ code, stderr }).toMatchObject({ code: 2 });
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0];
}

/** A folder removed after the calling file's tests: returns the path of a name inside it. */
export function scratch(prefix: string): (name: string) => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (name) => join(dir, name);
}
