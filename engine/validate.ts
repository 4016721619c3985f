// Runs a valibot schema over untrusted input and turns the first problem into ONE InputError line
// "<source>: <path>: <what was expected>, got <what was found>", e.g.
// "model: hidden[0]: expected a positive integer, got -3".
import * as v from 'valibot';
import { InputError } from './errors.ts';

type PathKey = string | number;

/** How a path is written: `hidden[0]`, `tensors[2].shape`. `label` may annotate a prefix, e.g.
 *  the weights file names the tensor: `tensors[2] (output.weight): data[17]`. */
export function formatPath(keys: PathKey[], label?: (keys: PathKey[]) => string | undefined): string {
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const annotation = label?.(keys.slice(0, i + 1));
    if (typeof k === 'number') out += `[${k}]`;
    else out += out === '' || out.endsWith(': ') ? k : `.${k}`;
    if (annotation) out += ` (${annotation}): `;
  }
  return out.replace(/: $/, '');
}

type AnyIssue = v.BaseIssue<unknown>;

function describe(issue: AnyIssue, label?: (keys: PathKey[]) => string | undefined): string {
  const keys = (issue.path ?? []).map((p) => p.key as PathKey);
  // A field that the schema does not know (a typo, most often): name it at its parent.
  if (issue.type === 'strict_object' && issue.expected === 'never') {
    const where = formatPath(keys.slice(0, -1), label);
    return `${where ? `${where}: ` : ''}unexpected field ${JSON.stringify(keys[keys.length - 1])}`;
  }
  const where = formatPath(keys, label);
  // check() messages are whole sentences about the value; the others say what was expected.
  const found = issue.type === 'check' ? '' : `, got ${issue.received === 'undefined' ? 'nothing' : issue.received}`;
  return `${where ? `${where}: ` : ''}${issue.message}${found}`;
}

/** Parses or throws InputError(`${source}: ${path}: ${problem}`). */
export function parseOrThrow<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  source: string,
  label?: (keys: PathKey[]) => string | undefined,
): v.InferOutput<S> {
  const result = v.safeParse(schema, value, {
    abortEarly: true,
    // Used only where a schema gives no message of its own.
    message: (issue) => `expected ${issue.expected ?? 'a valid value'}`,
  });
  if (result.success) return result.output;
  throw new InputError(`${source}: ${describe(result.issues[0], label)}`);
}

/** A picklist whose message lists the choices plainly. */
export function oneOf<const T extends readonly [string, ...string[]]>(options: T) {
  return v.picklist(options, `expected one of ${options.map((o) => JSON.stringify(o)).join(', ')}`);
}

/** An integer in [min, max]. */
export function integerIn(min: number, max: number) {
  const message = `expected ${min === 1 ? 'a positive integer' : `an integer >= ${min}`}`;
  return v.pipe(v.number(message), v.integer(message), v.minValue(min, message), v.maxValue(max, `expected at most ${max}`));
}

/** A finite number (JSON has no NaN; a writer may still put "NaN", null or 1e999 there). */
export const finiteNumber = v.pipe(v.number('expected a finite number'), v.finite('expected a finite number'));
