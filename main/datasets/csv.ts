// CSV / TSV: papaparse splits the records (quotes, CRLF, delimiter guessing); each numeric cell
// goes straight into the final shared Float32Array, one ~1 MB chunk of records at a time, so a
// 110 MB file never exists as one string or as millions of cell strings at once.
import { Readable } from 'node:stream';
import Papa from 'papaparse';
import { WITHIN_FLOAT32 } from '../../engine/validate.ts';
import { classIndices, DatasetError, quote, sharedFloats, type Dataset } from './dataset.ts';

export interface CsvOptions {
  /** The label column: a header name, or a 1-based column number (as error messages count). Default: the last. */
  labelColumn?: string | number;
  /** Whether the first row is a header; detected when not given. */
  header?: boolean;
  /** The feature columns are the pixels of a square grayscale image (784 -> 1x28x28). */
  image?: boolean;
  /** Called as the parse goes, with bytes handed to the parser so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

const CHUNK_BYTES = 1 << 20;
const NON_FINITE = /^\s*[+-]?(nan|inf|infinity)\s*$/i; // numbers, but no data

export async function parseCsv(bytes: Uint8Array, source: string, options: CsvOptions = {}): Promise<Dataset> {
  const tabs = /\.(tsv|tab)$/i.test(source);
  let firstRow: string[] | null = null; // held back until the second row says whether it is a header
  let firstAt = 0;
  let names: string[] | null = null;
  let columns = 0;
  let labelColumn = -1;
  let features: Float32Array | null = null;
  let capacity = 0;
  const labelValues: string[] = [];
  const labelRows: number[] = [];
  let record = 0; // 1-based record number of the file, header included: the "row" users see

  const where = (column: number) => `row ${record}, column ${column + 1}${names ? ` (${quote(names[column])})` : ''}`;

  const start = (first: string[], second: string[] | null) => {
    const header = options.header ?? isHeader(first, second, options.labelColumn);
    names = header ? first : null;
    columns = first.length;
    if (columns < 2) throw new DatasetError(`${source}: only one column; expected feature columns and a label column`);
    labelColumn = resolveLabelColumn(options.labelColumn, names, columns, source);
    capacity = countLines(bytes) - (header ? 1 : 0);
    features = sharedFloats(capacity * (columns - 1));
    if (!header) addRow(first, firstAt);
  };

  const addRecord = (row: string[]) => {
    const at = record + 1;
    if (row.length === 1 && row[0].trim() === '') {
      record = at; // a blank line: skipped, but counted so that row numbers stay line numbers
    } else if (firstRow === null) {
      firstRow = row;
      firstAt = record = at;
    } else if (columns === 0) {
      start(firstRow, row);
      addRow(row, at);
    } else {
      addRow(row, at);
    }
  };

  const addRow = (row: string[], at: number) => {
    record = at;
    if (row.length !== columns) {
      throw new DatasetError(`${source}: row ${record}: expected ${columns} fields like the first row, got ${row.length}`);
    }
    const n = labelValues.length;
    if (n === capacity) {
      // More records than '\n's: the lines end in a lone '\r'. Grow (only then).
      capacity = 2 * capacity + 1024;
      const grown = sharedFloats(capacity * (columns - 1));
      grown.set(features!);
      features = grown;
    }
    const out = features!; // locals, not closure variables, in the loop over 47 million cells
    const label = labelColumn;
    let offset = n * (columns - 1);
    for (let j = 0; j < row.length; j++) {
      const cell = row[j];
      if (j === label) {
        if (cell.trim() === '') throw new DatasetError(`${source}: ${where(j)}: missing label`);
        labelValues.push(cell.trim());
        labelRows.push(record);
        continue;
      }
      const v = +cell;
      // +'' and +' ' are 0, +'abc' is NaN; 'NaN', 'Infinity' parse but are no data.
      if (v === 0 && cell !== '0' && cell.trim() === '') throw new DatasetError(`${source}: ${where(j)}: missing value`);
      if (!Number.isFinite(Math.fround(v))) {
        const what = NON_FINITE.test(cell) ? 'a finite number' : Number.isNaN(v) ? 'a number' : WITHIN_FLOAT32;
        throw new DatasetError(`${source}: ${where(j)}: expected ${what}, got ${quote(cell)}`);
      }
      out[offset++] = v;
    }
  };

  // Papa.parse on a whole string recurses once per chunk and keeps every chunk's rows alive to
  // the end (6x the file in memory); fed a stream it lets each chunk go once handled.
  const decoder = new TextDecoder(); // drops a UTF-8 byte order mark
  function* pieces(): Generator<string> {
    for (let at = 0; at < bytes.length; at += CHUNK_BYTES) {
      yield decoder.decode(bytes.subarray(at, at + CHUNK_BYTES), { stream: at + CHUNK_BYTES < bytes.length });
      options.onProgress?.(Math.min(at + CHUNK_BYTES, bytes.length), bytes.length);
    }
  }
  let failure: unknown = null;
  await new Promise<void>((resolve) => {
    Papa.parse<string[]>(Readable.from(pieces()), {
      delimiter: tabs ? '\t' : '',
      delimitersToGuess: [',', '\t', ';', '|'],
      chunk(results, parser) {
        try {
          const quoteError = results.errors.find((e) => e.type === 'Quotes');
          if (quoteError) {
            throw new DatasetError(`${source}: row ${record + (quoteError.row ?? 0) + 1}: ${quoteError.message.toLowerCase()}`);
          }
          for (const row of results.data) addRecord(row);
        } catch (e) {
          failure = e;
          parser.abort(); // calls complete
        }
      },
      complete: () => resolve(),
      error(e) {
        failure = e;
        resolve();
      },
    });
  });
  if (failure) throw failure;

  if (columns === 0) {
    if (firstRow === null) throw new DatasetError(`${source}: no rows, only blank lines`);
    start(firstRow, null);
  }
  const rows = labelValues.length;
  if (rows === 0) throw new DatasetError(`${source}: a header but no data rows`);
  const m = columns - 1;
  const { labels, classNames } = classIndices(labelValues, source, (i) => `row ${labelRows[i]}, column ${labelColumn + 1}`);
  // Lines holding no record (blank lines, newlines inside quotes) leave slack: trim to size.
  const exact = rows === capacity ? features! : copyToShared(features!.subarray(0, rows * m));
  return { name: source, features: exact, labels, rows, shape: options.image ? imageShape(m, source) : [m], classNames, kind: options.image ? 'image' : 'tabular' };
}

/** The first row is a header when a cell of it is not a number where the second row has one,
 *  or when no cell of it is a number (a file of one row), or when the label column is named. */
function isHeader(first: string[], second: string[] | null, labelColumn: string | number | undefined): boolean {
  if (typeof labelColumn === 'string' && !/^\d+$/.test(labelColumn.trim())) return true;
  const text = (cell: string | undefined) => cell !== undefined && cell.trim() !== '' && !Number.isFinite(+cell) && !NON_FINITE.test(cell);
  if (second) return first.some((cell, j) => text(cell) && second[j] !== undefined && !text(second[j]) && second[j].trim() !== '');
  return first.every(text);
}

function resolveLabelColumn(option: string | number | undefined, names: string[] | null, columns: number, source: string): number {
  if (option === undefined) return columns - 1;
  const name = String(option).trim();
  const named = names?.indexOf(name) ?? -1;
  if (named >= 0) return named;
  if (/^\d+$/.test(name)) {
    const column = Number(name);
    if (column >= 1 && column <= columns) return column - 1;
    throw new DatasetError(`${source}: label column ${column} does not exist; columns are numbered 1 to ${columns}`);
  }
  const known = names ? `; columns: ${names.slice(0, 10).map((n) => quote(n)).join(', ')}${names.length > 10 ? ', ...' : ''}` : ' (the file has no header row)';
  throw new DatasetError(`${source}: no column named ${quote(name)}${known}`);
}

/** Lines in the file: an upper bound on its records (unless lines end in a lone '\r'), known
 *  before parsing so that the features are written once into an array of their final size. */
function countLines(bytes: Uint8Array): number {
  let lines = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) lines++;
  return bytes.length > 0 && bytes[bytes.length - 1] !== 10 ? lines + 1 : lines;
}

function copyToShared(values: Float32Array): Float32Array {
  const out = sharedFloats(values.length);
  out.set(values);
  return out;
}

/** 784 columns -> [1, 28, 28]: a square single-channel image. */
export function imageShape(m: number, source: string): number[] {
  const side = Math.round(Math.sqrt(m));
  if (side * side !== m) throw new DatasetError(`${source}: ${m} feature columns are not a square image (784 = 28x28, 1024 = 32x32)`);
  return [1, side, side];
}
