// Helpers shared by the commands: reading and writing the files named on the command line, and the
// options more than one command takes (--model, --seed). Every failure is an InputError naming the
// option and the file.
import { accessSync, constants, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../../engine/errors.ts';
import { PRESETS } from '../../engine/spec.ts';
import { parseJson } from '../../engine/validate.ts';

const reason = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** The option's value, or an InputError saying it is required. */
export function required(values: Record<string, string | boolean | undefined>, option: string, command: string): string {
  const value = values[option];
  if (typeof value !== 'string' || value === '') throw new InputError(`${command}: --${option} is required (npm run cli -- ${command} --help)`);
  return value;
}

/** UTF-8, a byte order mark dropped (TextDecoder's default): Windows tools write one, JSON allows it. */
export function readText(path: string, option: string): string {
  return new TextDecoder().decode(readBytes(path, option));
}

export function readBytes(path: string, option: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new InputError(`${option} ${path}: cannot read the file (${reason(e)})`);
  }
}

export function writeText(path: string, text: string, option = '--out'): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new InputError(`${option} ${path}: cannot write the file (${reason(e)})`);
  }
}

/** Fails now, rather than after the work that `path` is to hold (a long training run, say), when
 *  the file cannot be written: its folder missing, or the path a folder. */
export function checkWritable(path: string, option: string): void {
  let problem: string | null;
  try {
    const existing = statSync(path, { throwIfNoEntry: false });
    problem = existing?.isDirectory() ? 'EISDIR' : statSync(dirname(path)).isDirectory() ? null : 'ENOTDIR';
    if (!problem) accessSync(existing ? path : dirname(path), constants.W_OK);
  } catch (e) {
    problem = reason(e);
  }
  if (problem) throw new InputError(`${option} ${path}: cannot write the file (${problem})`);
}

/** A folder to write into (`--checkpoint`), made with its parents if missing. */
export function makeFolder(path: string, option: string): void {
  let problem: string | null;
  try {
    makeMissing(path);
    problem = statSync(path).isDirectory() ? null : 'a file of that name exists';
  } catch (e) {
    problem = reason(e);
  }
  if (problem) throw new InputError(`${option} ${path}: cannot make the folder (${problem})`);
}

/** mkdir -p one level at a time: Node 20's mkdirSync(path, { recursive: true }) loops for ever
 *  when mkdir under an existing folder fails with ENOENT, as it does in /proc. */
function makeMissing(path: string): void {
  if (statSync(path, { throwIfNoEntry: false })) return;
  const parent = dirname(path);
  if (parent !== path) makeMissing(parent);
  mkdirSync(path);
}

/** `--model <preset | spec JSON | spec file>`, not yet validated (a command may fill fields in first,
 *  e.g. inputs and classes from a dataset); `source` is what to call it in messages. */
export function readModelArg(arg: string): { value: unknown; source: string } {
  if (Object.hasOwn(PRESETS, arg)) return { value: structuredClone(PRESETS[arg as keyof typeof PRESETS]), source: `preset ${arg}` };
  if (arg.trimStart().startsWith('{')) return { value: parseJson(arg, '--model'), source: '--model' };
  let text: string;
  try {
    text = new TextDecoder().decode(readFileSync(arg));
  } catch (e) {
    throw new InputError(
      `--model ${arg}: neither a preset (${Object.keys(PRESETS).join(', ')}), nor a JSON spec, nor a readable file (${reason(e)})`,
    );
  }
  return { value: parseJson(text, arg), source: arg };
}

/** `--seed N`: an integer in [0, 2^32), 1 when absent. */
export function parseSeed(value: string | boolean | undefined): number {
  if (value === undefined) return 1;
  const seed = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(seed <= 0xffffffff)) throw new InputError(`--seed: expected an integer from 0 to 4294967295, got "${value}"`);
  return seed;
}

export function noPositionals(positionals: string[], command: string): void {
  if (positionals.length) throw new InputError(`${command}: unexpected argument "${positionals[0]}" (npm run cli -- ${command} --help)`);
}
