// The JSON batch format of weights-format.md ("Batches"): { "inputs": [[...], ...], "labels": [...] },
// labels as class indices or class names.
import { classIndices, DatasetError, quote, sharedFloats, type Dataset } from './dataset.ts';
import { imageShape } from './csv.ts';

export function parseJsonDataset(bytes: Uint8Array, source: string, options: { image?: boolean } = {}): Dataset {
  const text = new TextDecoder().decode(bytes); // drops a UTF-8 byte order mark
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new DatasetError(`${source}: ${describeSyntaxError((e as Error).message, text)}`);
  }
  // Own properties only: a "__proto__" key is a plain key of the parsed object, never read.
  const field = (name: string): unknown => (isObject(value) && Object.hasOwn(value, name) ? value[name] : undefined);
  if (!isObject(value)) throw new DatasetError(`${source}: expected an object { "inputs": [[...]], "labels": [...] }, got ${kind(value)}`);
  const inputs = field('inputs');
  const labelValues = field('labels');
  if (!Array.isArray(inputs)) throw new DatasetError(`${source}: inputs: expected an array of rows, got ${kind(inputs)}`);
  if (!Array.isArray(labelValues)) throw new DatasetError(`${source}: labels: expected an array of class indices or names, got ${kind(labelValues)}`);
  if (inputs.length === 0) throw new DatasetError(`${source}: inputs: no rows`);
  if (labelValues.length !== inputs.length) {
    throw new DatasetError(`${source}: ${labelValues.length} labels for ${inputs.length} input rows; expected one label per row`);
  }
  const first: unknown = inputs[0];
  if (!Array.isArray(first) || first.length === 0) throw new DatasetError(`${source}: inputs[0]: expected an array of numbers, got ${kind(first)}`);
  const m = first.length;
  const rows = inputs.length;
  const features = sharedFloats(rows * m);
  for (let r = 0; r < rows; r++) {
    const row: unknown = inputs[r];
    if (!Array.isArray(row)) throw new DatasetError(`${source}: inputs[${r}]: expected an array of numbers, got ${kind(row)}`);
    if (row.length !== m) throw new DatasetError(`${source}: inputs[${r}]: ${row.length} values, expected ${m} like inputs[0]`);
    for (let j = 0; j < m; j++) {
      const v: unknown = row[j];
      if (typeof v !== 'number') throw new DatasetError(`${source}: inputs[${r}][${j}]: expected a number, got ${kind(v)}`);
      features[r * m + j] = v; // JSON has no NaN or Infinity
    }
  }
  for (let r = 0; r < rows; r++) {
    const label: unknown = labelValues[r];
    if (typeof label !== 'number' && typeof label !== 'string') {
      throw new DatasetError(`${source}: labels[${r}]: expected a class index or name, got ${kind(label)}`);
    }
  }
  const { labels, classNames } = classIndices(labelValues as (string | number)[], source, (i) => `labels[${i}]`);
  const shape = options.image ? imageShape(m, source) : [m];
  return { name: source, features, labels, rows, shape, classNames, kind: options.image ? 'image' : 'tabular' };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kind(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return quote(typeof v === 'string' ? v : JSON.stringify(v));
}

/** V8's "Expected ',' or ']' after array element in JSON at position 20" as a byte offset and a line. */
function describeSyntaxError(message: string, text: string): string {
  const position = positionOf(message, text) ?? firstBadPosition(text);
  const byte = new TextEncoder().encode(text.slice(0, position)).length;
  if (position >= text.trimEnd().length) return `truncated JSON: the text ends at byte offset ${byte} inside an unfinished value`;
  const line = text.slice(0, position).split('\n').length;
  // V8 quotes the text around an unexpected token ("..., "[0,, 1]" is not valid JSON"); the offset says more.
  const reason = message.replace(/\s*in JSON at position \d+.*$/s, '').replace(/, (\.\.\.)?".*" is not valid JSON$/s, '');
  return `invalid JSON at byte offset ${byte} (line ${line}): ${reason}`;
}

function positionOf(message: string, text: string): number | null {
  const match = /at position (\d+)/.exec(message);
  return match ? Number(match[1]) : /end of JSON/i.test(message) ? text.length : null;
}

/** V8 gives no position for an unexpected token: bisect for the shortest prefix that fails other
 *  than by ending early (only on this error path, about log2(length) parses). */
function firstBadPosition(text: string): number {
  const failsInside = (prefix: string) => {
    try {
      JSON.parse(prefix);
      return false;
    } catch (e) {
      const position = positionOf((e as Error).message, prefix);
      return position === null || position < prefix.trimEnd().length;
    }
  };
  let [good, bad] = [0, text.length];
  while (bad - good > 1) {
    const mid = (good + bad) >> 1;
    if (failsInside(text.slice(0, mid))) bad = mid;
    else good = mid;
  }
  return bad - 1;
}
