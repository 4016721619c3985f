// loadDatasetArg's check of the dataset options against built-ins, where a file given beside one
// (train's --val-dataset) is what the options are for.
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDatasetArg } from '../../../main/cli/dataset-arg.ts';
import { scratch } from './run.ts';

const at = scratch('bps-dataset-arg-');

describe('loadDatasetArg', () => {
  it('takes --label-column for a built-in when another dataset given is a file', async () => {
    const path = at('val.csv');
    writeFileSync(path, 'label,a,b,c,d\n0,1,2,3,4\n1,5,6,7,8\n');
    const values = { dataset: 'iris', 'val-dataset': path, 'label-column': '1' };
    await expect(loadDatasetArg('iris', { dataset: 'iris', 'label-column': '1' })).rejects.toThrow(/^--label-column: iris is a built-in dataset/);
    expect((await loadDatasetArg('iris', values)).rows).toBe(150);
    const validation = await loadDatasetArg(path, values, '--val-dataset');
    expect(Array.from(validation.labels)).toEqual([0, 1]); // the first column was the label
  });
});
