// Runs a valibot schema over untrusted input and turns the first problem into ONE InputError line
// "<source>: <path>: <what was expected>, got <what was found>", e.g.
// "model: hidden[0]: expected a positive integer, got -3".
import * as v from 'valibot';
import { InputError } from './errors.ts';

type PathKey = string | number;

/** How a path is written: `hidden[0]`, `tensors[2].shape`. `label` may annotate a prefix, e.g.
 *  the weights file names the tensor: `tensors[2] (output.weight): data[17]`. */
function formatPath(keys: PathKey[], label?: (keys: PathKey[]) => string | undefined): string {
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
  // A required field that is absent: name it at its parent too.
  if (/object$/.test(issue.type) && issue.received === 'undefined' && keys.length > 0) {
    const where = formatPath(keys.slice(0, -1), label);
    return `${where ? `${where}: ` : ''}missing field ${JSON.stringify(keys[keys.length - 1])}`;
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

/** What a value is told that is a number but rounds to Infinity as a float32 (1e39, say): in a
 *  Float32Array of features or parameters it would give non-finite results far from its cause. */
export const WITHIN_FLOAT32 = 'a number within float32 range (|x| < 3.4e38)';

/** JSON.parse that says where the text stops being JSON (line and column; Node 20's own message
 *  has no position): "w.json: invalid JSON at line 3, column 14: expected "," or "}", got "]"". */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const { at, problem } = locateJsonError(text);
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    throw new InputError(`${source}: invalid JSON at line ${line}, column ${column}: ${problem}`);
  }
}

/** Scans JSON (RFC 8259) and returns where and why it is invalid. Only runs after JSON.parse failed. */
function locateJsonError(text: string): { at: number; problem: string } {
  let i = 0;
  class Stop { constructor(readonly problem: string) {} }
  const found = () => (i >= text.length ? 'the end of the file' : JSON.stringify(text[i]));
  const fail = (expected: string): never => {
    const nonJson = /^(-?Infinity|NaN)/.exec(text.slice(i, i + 9));
    throw new Stop(nonJson ? `${nonJson[1]} is not a JSON number` : `expected ${expected}, got ${found()}`);
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const string = () => {
    i++;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') { i++; return; }
      if (c === '\\') {
        if (/^(["\\/bfnrt]|u[0-9a-fA-F]{4})/.test(text.slice(i + 1, i + 6))) i += text[i + 1] === 'u' ? 6 : 2;
        else { i++; fail('an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)'); }
      } else if (c < ' ') fail('a string character (control characters must be escaped)');
      else i++;
    }
    fail('a closing quote');
  };
  const number = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) { i++; return; }
      for (;;) {
        if (c === '{') {
          space();
          if (text[i] !== '"') fail('a quoted key');
          string();
          space();
          if (text[i] !== ':') fail('":"');
          i++;
        }
        value();
        space();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === close) { i++; return; }
        fail(`"," or "${close}"`);
      }
    }
    if (c === '"') return string();
    number.lastIndex = i;
    if (number.test(text)) { i = number.lastIndex; return; }
    for (const literal of ['true', 'false', 'null']) if (text.startsWith(literal, i)) { i += literal.length; return; }
    fail('a value');
  };
  try {
    value();
    space();
    if (i < text.length) fail('the end of the file after the JSON value');
  } catch (e) {
    if (e instanceof Stop) return { at: i, problem: e.problem };
    if (e instanceof RangeError) return { at: i, problem: 'nested too deeply' }; // stack overflow
    throw e;
  }
  return { at: i, problem: 'not accepted by JSON.parse' };
}
