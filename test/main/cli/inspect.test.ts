// `inspect`, run as a user runs it: what it prints for a built-in and a file, and exit code 2 with
// one line for a bad file.
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { badInput, cli, scratch } from './run.ts';

const at = scratch('bps-inspect-');
const inspect = (...args: string[]) => cli('inspect', ...args);

describe('cli inspect', () => {
  it('prints the shape, classes with counts, ranges and first rows of a CSV, label column by name', async () => {
    const path = at('pets.csv');
    writeFileSync(path, 'kind,weight,height\ndog,30,60\ncat,4,25\ndog,12.5,40\n');
    const { code, stdout } = await inspect('--dataset', path, '--label-column', 'kind', '--rows', '2');
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        `dataset   ${path} (tabular)`,
        'rows      3',
        'shape     [2] (2 features)',
        'classes   2',
        '    0  cat                    1',
        '    1  dog                    2',
        'features  min .. max',
        '    1  4 .. 30',
        '    2  25 .. 60',
        'first 2 rows (features -> class)',
        '  30, 60 -> dog',
        '  4, 25 -> cat',
        '',
      ].join('\n'),
    );
  });

  it('refuses options a built-in would ignore: --label-column, and --image on a table', async () => {
    expect(await badInput('inspect', '--dataset', 'iris', '--label-column', '1'))
      .toBe("error: --label-column: iris is a built-in dataset with its own labels; the option names a CSV file's label column");
    expect(await badInput('inspect', '--dataset', 'blobs', '--image')).toBe('error: --image: blobs is a built-in table of features, not images');
    expect((await inspect('--dataset', 'mnist', '--image', '--rows', '0')).code).toBe(0); // images already
  });

  it('draws the first image of mnist in ASCII', async () => {
    const { code, stdout } = await inspect('--dataset', 'mnist');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual(['dataset   mnist (image)', 'rows      10000', 'shape     [1, 28, 28] (1x28x28 images)', 'classes   10']);
    expect(lines).toContain('first image (class 0):');
    const art = lines.slice(lines.indexOf('first image (class 0):') + 1, -1);
    expect(art).toHaveLength(28);
    expect(art.every((l) => l.length === 30)).toBe(true);
    expect(art.join('').replace(/\s/g, '').length).toBeGreaterThan(50); // ink, not a blank square
  });

  it('exits 2 with one line naming the file, row and column of a bad cell', async () => {
    const path = at('bad.csv');
    writeFileSync(path, 'x,y,label\n1,2,a\n3,oops,b\n');
    const { code, stdout, stderr } = await inspect('--dataset', path);
    expect({ code, stdout, stderr }).toEqual({ code: 2, stdout: '', stderr: `error: ${path}: row 3, column 2 ("y"): expected a number, got "oops"\n` });
    // A mistyped built-in is a missing path: the message names the built-ins.
    expect(await inspect('--dataset', 'irs')).toEqual({
      code: 2, stdout: '', stderr: 'error: --dataset irs: neither a built-in dataset (mnist, iris, circle, xor, blobs, spiral) nor an existing file or folder\n',
    });
  });
});
