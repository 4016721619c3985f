// `inspect`: what a dataset loads as — shape, classes, counts, ranges, the first rows or an
// ASCII thumbnail of the first image — so that a file can be checked before training on it.
import { InputError } from '../../../engine/errors.ts';
import { preview, summarize } from '../../datasets/index.ts';
import { DATASET_OPTIONS, DATASET_USAGE, loadDatasetArg } from '../dataset-arg.ts';
import { noPositionals, required } from '../args.ts';
import type { Command } from '../index.ts';

const SHADES = ' .:-=+*#%@';

export const command: Command = {
  summary: 'show the shape, classes, counts and first rows of a dataset',
  usage: `usage: npm run cli -- inspect --dataset <builtin | path> [--label-column C] [--image] [--rows N]

  --dataset       a built-in (mnist, iris, circle, xor, blobs, spiral), or a CSV/TSV file, a JSON
                  batch file, an IDX file (its partner is found by name) or a folder (IDX pair, or
                  one sub-folder of PNG/JPEG images per class)
${DATASET_USAGE}
  --rows N        how many rows to show (default 5)`,
  options: { dataset: { type: 'string' }, ...DATASET_OPTIONS, rows: { type: 'string' } },
  async run(values, positionals) {
    noPositionals(positionals, 'inspect');
    const count = values.rows === undefined ? 5 : Number(values.rows);
    if (!Number.isInteger(count) || count < 0) throw new InputError(`--rows: expected a whole number, got "${values.rows}"`);
    const ds = await loadDatasetArg(required(values, 'dataset', 'inspect'), values);
    const summary = summarize(ds);
    const m = summary.featureMin.length;
    const lines = [
      `dataset   ${ds.name} (${ds.kind})`,
      `rows      ${ds.rows}`,
      `shape     [${ds.shape.join(', ')}]${ds.kind === 'image' ? ` (${ds.shape.join('x')} images)` : ` (${m} features)`}`,
      `classes   ${ds.classNames.length}`,
      ...ds.classNames.map((name, c) => `  ${String(c).padStart(3)}  ${name.padEnd(16)} ${String(summary.classCounts[c]).padStart(7)}`),
    ];
    if (ds.kind === 'tabular' && m <= 12) {
      lines.push('features  min .. max');
      for (let j = 0; j < m; j++) lines.push(`  ${String(j + 1).padStart(3)}  ${fmt(summary.featureMin[j])} .. ${fmt(summary.featureMax[j])}`);
    } else {
      lines.push(`values    ${fmt(Math.min(...summary.featureMin))} .. ${fmt(Math.max(...summary.featureMax))} over all ${m} features`);
    }
    const shown = preview(ds, Math.max(count, 1));
    if (shown.rows && count > 0) {
      lines.push(`first ${shown.rows.length} rows (features -> class)`);
      const cut = (row: number[]) => (row.length > 12 ? [...row.slice(0, 12).map(fmt), `... (${row.length - 12} more)`] : row.map(fmt));
      shown.rows.forEach((row, r) => lines.push(`  ${cut(row).join(', ')} -> ${ds.classNames[shown.labels![r]]}`));
    }
    const image = shown.images?.[0];
    if (image) {
      lines.push(`first image (class ${ds.classNames[image.label]}):`);
      for (let y = 0; y < image.height; y++) {
        const row = image.pixels.subarray(y * image.width, (y + 1) * image.width);
        lines.push(`  ${Array.from(row, (v) => SHADES[Math.min(9, Math.floor(v / 25.6))]).join('')}`);
      }
    }
    console.log(lines.join('\n'));
  },
};

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(+v.toPrecision(6));
}
