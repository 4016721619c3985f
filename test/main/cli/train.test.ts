// `train`, `eval` and `predict` run as a user runs them, with the defaults: the accuracies
// (Iris >= 95 %, MNIST MLP >= 92 %, LeNet-5 >= 96.5 % on the 2,000 held-out digits within 5 epochs),
// files that round-trip between the commands, resume == never stopped, and one-line input errors.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { Model } from '../../../engine/model.ts';
import { parseWeights } from '../../../engine/weights.ts';
import { applyNormalization, loadDataset, prepareDataset } from '../../../main/datasets/index.ts';
import { badInput, cli, ok, root, scratch } from './run.ts';

const at = scratch('bps-train-cli-');

interface Report {
  samplesPerSecond: number; seconds: number; epochs: number; threads: number;
  train: { loss: number; accuracy: number }; validation: { loss: number; accuracy: number } | null;
}
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

// Each test runs the CLI several times, each starting tsx and its worker threads: generous timeouts.
describe('train with the defaults reaches the accuracies', { timeout: 300_000 }, () => {
  it('MLP on Iris: >= 95 % on the held-out fifth; eval and predict agree with the weights file', async () => {
    const stdout = await ok('train', '--model', 'mlp', '--dataset', 'iris', '--out', at('iris.json'), '--report', at('iris-report.json'));
    expect(stdout).toMatch(/^epoch 250\/250: train loss \d\.\d{4} accuracy [\d.]+% \| validation loss \d\.\d{4} accuracy [\d.]+%$/m);
    const report = readJson<Report>(at('iris-report.json'));
    expect(report).toMatchObject({ epochs: 250, threads: expect.any(Number), samplesPerSecond: expect.any(Number) });
    expect(report.validation!.accuracy).toBeGreaterThanOrEqual(0.95);

    const weights = parseWeights(readFileSync(at('iris.json'), 'utf8'), 'iris.json');
    expect(weights.labels).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(weights.normalization?.kind).toBe('zscore');
    expect(weights.training).toMatchObject({ epochs: 250, seed: 1, optimizer: { kind: 'adam', lr: 0.002 } });

    // The held-out rows, raw, as a CSV: eval must find the validation accuracy train reported.
    const iris = await loadDataset({ builtin: 'iris' });
    const { validation } = prepareDataset(iris, { valSplit: 0.2, seed: 1, normalize: 'none' });
    const rows = Array.from({ length: validation!.rows }, (_, r) =>
      [...validation!.features.subarray(r * 4, r * 4 + 4), iris.classNames[validation!.labels[r]]].join(','));
    writeFileSync(at('held-out.csv'), `a,b,c,d,species\n${rows.join('\n')}\n`);
    await ok('eval', '--weights', at('iris.json'), '--dataset', at('held-out.csv'), '--report', at('eval.json'));
    const evaluation = readJson<{ rows: number; accuracy: number; loss: number; confusion: number[][] }>(at('eval.json'));
    expect(evaluation.rows).toBe(30);
    expect(evaluation.accuracy).toBe(report.validation!.accuracy);
    expect(evaluation.loss).toBeCloseTo(report.validation!.loss, 5);
    expect(evaluation.confusion.flat().reduce((a, b) => a + b)).toBe(30);

    // predict's probabilities are the model's on the normalised row.
    writeFileSync(at('rows.csv'), `${rows.slice(0, 2).map((r) => r.split(',').slice(0, 4).join(',')).join('\n')}\n`);
    const printed = (await ok('predict', '--weights', at('iris.json'), '--input', at('rows.csv'))).trim().split('\n');
    const model = Model.create(weights.spec, { params: weights.params });
    const x = validation!.features.slice(0, 8);
    applyNormalization(x, 4, weights.normalization!);
    const p = model.predict(x, 2);
    for (let r = 0; r < 2; r++) {
      const best = [0, 1, 2].reduce((a, b) => (p[r * 3 + b] > p[r * 3 + a] ? b : a));
      expect(printed[r]).toContain(`${r + 1}: ${weights.labels![best]}  [${weights.labels![best]} ${p[r * 3 + best].toFixed(4)}`);
    }
  });

  it('MLP 784-128-10 on the MNIST digits: >= 92 % within 5 epochs', async () => {
    await ok('train', '--model', 'mlp', '--dataset', 'mnist', '--report', at('mlp-report.json'));
    const report = readJson<Report>(at('mlp-report.json'));
    console.log(`MLP on MNIST: ${(100 * report.validation!.accuracy).toFixed(2)} % in ${report.seconds.toFixed(1)} s (${report.threads} threads)`);
    expect(report.epochs).toBe(5);
    expect(report.validation!.accuracy).toBeGreaterThanOrEqual(0.92);
  }, 600_000);

  it('LeNet-5 on the MNIST digits: >= 96.5 % within 5 epochs', async () => {
    await ok('train', '--model', 'lenet5', '--dataset', 'mnist', '--report', at('lenet-report.json'));
    const report = readJson<Report>(at('lenet-report.json'));
    console.log(`LeNet-5 on MNIST: ${(100 * report.validation!.accuracy).toFixed(2)} % in ${report.seconds.toFixed(1)} s (${report.threads} threads)`);
    expect(report.epochs).toBe(5);
    expect(report.validation!.accuracy).toBeGreaterThanOrEqual(0.965);
  }, 900_000);
});

describe('train', { timeout: 300_000 }, () => {
  it('resumes from a checkpoint to the weights of an uninterrupted run', async () => {
    await ok('train', '--model', 'mlp', '--dataset', 'iris', '--epochs', '6', '--out', at('straight.json'));
    await ok('train', '--model', 'mlp', '--dataset', 'iris', '--epochs', '3', '--checkpoint', at('ckpt'));
    await ok('train', '--model', 'mlp', '--dataset', 'iris', '--epochs', '6', '--resume', at('ckpt/checkpoint.json'), '--out', at('resumed.json'));
    expect(parseWeights(readFileSync(at('resumed.json'), 'utf8'), 'resumed').params)
      .toEqual(parseWeights(readFileSync(at('straight.json'), 'utf8'), 'straight').params);
  });

  it('resumes with the checkpoint\'s seed and settings, refusing options that contradict them', async () => {
    const params = (name: string) => parseWeights(readFileSync(at(name), 'utf8'), name).params;
    const first = ['--model', 'mlp', '--dataset', 'iris', '--seed', '7', '--batch', '16'];
    await ok('train', ...first, '--epochs', '2', '--out', at('straight7.json'));
    await ok('train', ...first, '--epochs', '1', '--checkpoint', at('ckpt7'));
    // Without --seed the split must still be seed 7's, as the checkpoint's shuffle is: it was seed 1's.
    const resume = ['--dataset', 'iris', '--epochs', '2', '--resume', at('ckpt7/checkpoint.json')];
    await ok('train', '--model', 'mlp', ...resume, '--out', at('resumed7.json'));
    expect(params('resumed7.json')).toEqual(params('straight7.json'));
    // Options the checkpoint overrode in silence.
    const refused = `error: --resume ${at('ckpt7/checkpoint.json')}: the checkpoint has`;
    expect(await badInput('train', '--model', 'mlp', ...resume, '--batch', '32')).toBe(`${refused} --batch 16, not 32; leave --batch out or give the checkpoint's`);
    expect(await badInput('train', '--model', 'mlp', ...resume, '--limit', '50')).toBe(`${refused} --limit none, not 50; leave --limit out or give the checkpoint's`);
    const tanh = '{"type":"mlp","hidden":[6],"activation":"tanh","output":"softmax","loss":"cross-entropy"}';
    const spec = (hidden: number, activation: string) =>
      `{"type":"mlp","inputs":4,"hidden":[${hidden}],"classes":3,"activation":"${activation}","output":"softmax","loss":"cross-entropy"}`;
    expect(await badInput('train', '--model', tanh, ...resume)).toBe(`${refused} --model ${spec(128, 'sigmoid')}, not ${spec(6, 'tanh')}; give the checkpoint's model`);
    // Nothing left to train: it ended at once, exit 0, in silence.
    expect(await badInput('train', '--model', 'mlp', '--dataset', 'iris', '--epochs', '1', '--resume', at('ckpt7/checkpoint.json')))
      .toBe(`error: --resume ${at('ckpt7/checkpoint.json')}: the checkpoint has done 1 epochs already; give --epochs above 1 to train on`);
  });

  it('after a non-finite update, says how to go on, and resumes with a lower --lr', async () => {
    const params = (name: string) => parseWeights(readFileSync(at(name), 'utf8'), name).params;
    const run = ['--model', 'mlp', '--dataset', 'iris', '--epochs', '2'];
    const diverged = 'error: the update at step 1 (epoch 1) made the parameters non-finite: paused with the parameters of the last finite step; lower the learning rate and resume';
    expect(await badInput('train', ...run, '--lr', '1e308')).toBe(`${diverged} (no --checkpoint to resume from: train again with a lower --lr)`);
    expect(await badInput('train', ...run, '--lr', '1e308', '--checkpoint', at('diverged')))
      .toBe(`${diverged} (resume with --resume ${at('diverged')}/checkpoint.json and a lower --lr)`);
    // The --lr given on resuming was ignored (the checkpoint's won), so the advice could not be followed.
    await ok('train', ...run, '--resume', at('diverged/checkpoint.json'), '--lr', '0.002', '--out', at('recovered.json'));
    await ok('train', ...run, '--lr', '0.002', '--out', at('sane.json'));
    expect(params('recovered.json')).toEqual(params('sane.json'));
  });

  it('warns once, on stderr, when a checkpoint cannot be written, and trains on', async () => {
    // A folder where the checkpoint file goes: the failure was dropped in silence, exit 0.
    mkdirSync(at('blocked/checkpoint.json/inside'), { recursive: true });
    const { code, stdout, stderr } = await cli('train', '--model', 'mlp', '--dataset', 'iris', '--epochs', '3', '--checkpoint', at('blocked'), '--out', at('blocked.json'));
    expect({ code, stderr }).toEqual({ code: 0, stderr: `warning: ${at('blocked/checkpoint.json')}: cannot write the checkpoint: EISDIR\n` });
    expect(stdout).toMatch(/^epoch 3\/3: .*\nwrote /m);
  });

  it('stops on Ctrl-C after the current step, writing a checkpoint and the weights', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', 'train', '--model', 'lenet5', '--dataset', 'mnist',
      '--checkpoint', at('interrupted'), '--out', at('interrupted.json')], { cwd: root });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stdout += d));
    // Interrupt during the second epoch.
    await new Promise<void>((resolve) => child.stdout.on('data', () => stdout.includes('epoch 1/5:') && resolve()));
    child.kill('SIGINT');
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect({ code, stdout }).toMatchObject({ code: 0, stdout: expect.stringContaining(`stopped; resume with --resume ${at('interrupted')}/checkpoint.json`) });
    const checkpoint = JSON.parse(readFileSync(at('interrupted/checkpoint.json'), 'utf8'));
    expect(checkpoint).toMatchObject({ format: 'backprop-studio.checkpoint', epoch: 1, position: expect.any(Number) });
    // The weights written on stop are the checkpoint's.
    const weights = parseWeights(readFileSync(at('interrupted.json'), 'utf8'), 'interrupted.json');
    expect(Buffer.from(weights.params.buffer).toString('base64')).toBe(checkpoint.params);
  });

  it('rejects bad input with one line and exit code 2', async () => {
    expect(await badInput('train', '--model', 'mlp', '--dataset', 'iris', '--batch', '0')).toBe('error: --batch: expected a positive integer, got "0"');
    // A thousand worker threads took minutes to start and gigabytes of memory before a first step.
    expect(await badInput('train', '--model', 'mlp', '--dataset', 'iris', '--threads', '1000'))
      .toBe('error: --threads: expected an integer from 1 to 256, got "1000"');
    // It trained on all 120 rows, as if the limit were met.
    expect(await badInput('train', '--model', 'mlp', '--dataset', 'iris', '--limit', '1000'))
      .toBe('error: --limit 1000: more than the 120 training samples left by the validation split of 0.2');
    expect(await badInput('train', '--model', 'mlp', '--dataset', 'iris', '--lr', 'fast')).toBe('error: --lr: expected a number above 0, got "fast"');
    expect(await badInput('train', '--model', 'mlp', '--dataset', 'iris', '--optimizer', 'rmsprop'))
      .toBe('error: --optimizer: expected one of sgd, momentum, adam, got "rmsprop"');
    expect(await badInput('train', '--model', 'mlp', '--dataset', 'iris', '--val-split', '1'))
      .toBe('error: --val-split: expected a number from 0 to less than 1, got "1"');
    expect(await badInput('train', '--model', 'lenet5', '--dataset', 'iris')).toMatch(/^error: iris: LeNet-5 takes 1x32x32 images/);
    expect(await badInput('train', '--model', '{"type":"mlp","hidden":[-3]}', '--dataset', 'iris')).toMatch(/^error: --model: hidden\[0\]: /);
    expect(await badInput('train', '--dataset', 'iris')).toBe('error: train: --model is required (npm run cli -- train --help)');
    // Before training (no epoch printed), not after it, which would lose the trained weights.
    expect(await cli('train', '--model', 'mlp', '--dataset', 'iris', '--out', at('no-folder/w.json')))
      .toEqual({ code: 2, stdout: '', stderr: `error: --out ${at('no-folder/w.json')}: cannot write the file (ENOENT)\n` });
    expect(await cli('train', '--model', 'mlp', '--dataset', 'iris', '--report', at('')))
      .toEqual({ code: 2, stdout: '', stderr: `error: --report ${at('')}: cannot write the file (EISDIR)\n` });
    expect(await badInput('train', '--model', 'mlp', '--dataset', 'iris', '--val-dataset', 'MNIST'))
      .toBe('error: --val-dataset MNIST: neither a built-in dataset (mnist, iris, circle, xor, blobs, spiral) nor an existing file or folder');
    writeFileSync(at('taken'), '');
    expect(await badInput('train', '--model', 'mlp', '--dataset', 'iris', '--checkpoint', at('taken')))
      .toBe(`error: --checkpoint ${at('taken')}: cannot make the folder (a file of that name exists)`);
    expect(await badInput('train', '--model', 'mlp', '--dataset', 'iris', '--checkpoint', at('taken/ckpt')))
      .toBe(`error: --checkpoint ${at('taken/ckpt')}: cannot make the folder (ENOTDIR)`);
    expect(await badInput('train', '--model', 'mlp', '--dataset', 'iris', '--resume', at('nothing.json')))
      .toBe(`error: ${at('nothing.json')}: cannot read the checkpoint: ENOENT`);
  });

  it('makes a --checkpoint folder with its parents, and refuses one /proc cannot hold instead of hanging', { timeout: 200_000 }, async ({ skip }) => {
    await ok('train', '--model', 'mlp', '--dataset', 'iris', '--epochs', '1', '--checkpoint', at('made/with/parents'));
    expect(existsSync(at('made/with/parents/checkpoint.json'))).toBe(true);
    skip(!existsSync('/proc/self'), 'no /proc: the file system where mkdir under an existing folder fails with ENOENT');
    // Node 20's recursive mkdirSync looped for ever there, at 100 % CPU. Node itself, not npx (as
    // cli() runs), so that the timeout's kill reaches the process that would hang.
    const train = (checkpoint: string) => new Promise((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', 'train', '--model', 'mlp', '--dataset', 'iris', '--checkpoint', checkpoint],
        { cwd: root, timeout: 60_000, killSignal: 'SIGKILL' },
        (error, stdout, stderr) => resolve({ code: error ? error.code : 0, signal: error?.signal ?? null, stdout, stderr }));
    });
    for (const folder of ['/proc/x', '/proc/x/y']) {
      expect(await train(folder)).toEqual({ code: 2, signal: null, stdout: '', stderr: `error: --checkpoint ${folder}: cannot make the folder (ENOENT)\n` });
    }
  });

  it('validates on a separate dataset (--val-dataset) instead of a split', async () => {
    // Iris as two files, every fifth row held out: the report's validation is eval's on that file.
    const iris = await loadDataset({ builtin: 'iris' });
    const csv = (rows: number[]) => `a,b,c,d,species\n${rows.map((r) =>
      [...iris.features.subarray(r * 4, r * 4 + 4), iris.classNames[iris.labels[r]]].join(',')).join('\n')}\n`;
    const all = [...Array(iris.rows).keys()];
    writeFileSync(at('fit.csv'), csv(all.filter((r) => r % 5)));
    writeFileSync(at('check.csv'), csv(all.filter((r) => r % 5 === 0)));
    const args = ['--model', 'mlp', '--dataset', at('fit.csv'), '--val-dataset', at('check.csv')];
    await ok('train', ...args, '--epochs', '20', '--out', at('separate.json'), '--report', at('separate-report.json'));
    await ok('eval', '--weights', at('separate.json'), '--dataset', at('check.csv'), '--report', at('separate-eval.json'));
    const evaluation = readJson<{ rows: number; accuracy: number }>(at('separate-eval.json'));
    expect(evaluation.rows).toBe(30);
    expect(readJson<Report>(at('separate-report.json')).validation!.accuracy).toBe(evaluation.accuracy);
    expect(await badInput('train', ...args, '--val-split', '0.2')).toBe('error: give a validation split or a validation dataset, not both');
  });

  it('takes a spec that leaves inputs and classes to the dataset', async () => {
    const spec = '{"type":"mlp","hidden":[6],"activation":"tanh","output":"softmax","loss":"cross-entropy"}';
    await ok('train', '--model', spec, '--dataset', 'iris', '--epochs', '2', '--out', at('tanh.json'));
    expect(parseWeights(readFileSync(at('tanh.json'), 'utf8'), 'tanh').spec).toEqual({ ...JSON.parse(spec), inputs: 4, classes: 3 });
  });
});

describe('eval and predict', { timeout: 300_000 }, () => {
  it('reject input that does not fit the weights', async () => {
    await ok('train', '--model', 'mlp', '--dataset', 'iris', '--epochs', '1', '--out', at('small.json'));
    writeFileSync(at('short.csv'), '1,2,3\n');
    expect(await badInput('predict', '--weights', at('small.json'), '--input', at('short.csv')))
      .toBe(`error: ${at('short.csv')}: row 1: expected 4 numbers (the model's inputs), got 3`);
    writeFileSync(at('text.csv'), '1,2,3,4\n1,2,x,4\n');
    expect(await badInput('predict', '--weights', at('small.json'), '--input', at('text.csv')))
      .toBe(`error: ${at('text.csv')}: row 2, column 3: expected a number, got "x"`);
    writeFileSync(at('huge.csv'), '1,2,3,4\n1,2,3,1e39\n'); // Infinity as the model's float32
    expect(await badInput('predict', '--weights', at('small.json'), '--input', at('huge.csv')))
      .toBe(`error: ${at('huge.csv')}: row 2, column 4: expected a number within float32 range (|x| < 3.4e38), got "1e39"`);
    writeFileSync(at('other.csv'), 'a,b,c,d,kind\n1,2,3,4,rose\n1,2,3,5,tulip\n');
    expect(await badInput('eval', '--weights', at('small.json'), '--dataset', at('other.csv')))
      .toBe(`error: ${at('other.csv')}: class "rose" does not occur in the model's labels (setosa, versicolor, virginica)`);
    // predict only shows an input's labels, whatever its classes.
    writeFileSync(at('other.json'), JSON.stringify({ inputs: [[1, 2, 3, 4], [1, 2, 3, 5]], labels: ['rose', 'tulip'] }));
    expect(await ok('predict', '--weights', at('small.json'), '--input', at('other.json'))).toMatch(/^1: \w+ \(labelled rose\)  \[.*\n2: \w+ \(labelled tulip\)  \[/);
  });

  it('evaluate on a set of one class (all setosas), which train refuses', async () => {
    writeFileSync(at('setosas.csv'), 'a,b,c,d,kind\n5.1,3.5,1.4,0.2,setosa\n4.9,3.0,1.4,0.2,setosa\n');
    await ok('eval', '--weights', at('small.json'), '--dataset', at('setosas.csv'), '--report', at('setosas.json'));
    const report = readJson<{ rows: number; confusion: number[][] }>(at('setosas.json'));
    expect(report.rows).toBe(2);
    expect(report.confusion[0].reduce((a, b) => a + b)).toBe(2); // both rows counted as setosas
    expect(await badInput('train', '--model', 'mlp', '--dataset', at('setosas.csv')))
      .toBe(`error: ${at('setosas.csv')}: every row has the same label "setosa"; a classifier needs at least two classes to train`);
  });
});

describe('--image and --label-column in train, eval and predict', { timeout: 300_000 }, () => {
  it('reads a CSV of 784 pixel columns as 28x28 images for LeNet-5', async () => {
    // 20 rows: the label first, then a 28x28 image of a vertical ("v") or horizontal ("h") bar.
    const rows = Array.from({ length: 20 }, (_, r) => {
      const label = r % 2 ? 'v' : 'h';
      const pixels = Array.from({ length: 784 }, (_, i) => ((label === 'v' ? i % 28 : Math.floor(i / 28)) === 4 + (r % 19) ? 255 : 0));
      return `${label},${pixels.join(',')}`;
    });
    writeFileSync(at('bars.csv'), `${rows.join('\n')}\n`);
    const args = ['--dataset', at('bars.csv'), '--label-column', '1'];
    expect(await badInput('train', '--model', 'lenet5', ...args, '--epochs', '1'))
      .toMatch(/: LeNet-5 takes 1x32x32 images .* tabular, with 784 features; if the columns are pixels, load it as an image \(--image\)$/);
    await ok('train', '--model', 'lenet5', ...args, '--image', '--epochs', '1', '--val-split', '0', '--out', at('bars.json'));
    const weights = parseWeights(readFileSync(at('bars.json'), 'utf8'), 'bars.json');
    expect(weights.spec).toMatchObject({ type: 'lenet5', classes: 2 });
    expect(weights.labels).toEqual(['h', 'v']);
    expect(await ok('eval', '--weights', at('bars.json'), ...args, '--image')).toMatch(/: 20 rows, loss \d/);
    const printed = (await ok('predict', '--weights', at('bars.json'), '--input', at('bars.csv'), '--label-column', '1', '--image')).trim().split('\n');
    expect(printed.map((line) => /\(labelled (\w)\)/.exec(line)?.[1])).toEqual(rows.map((row) => row[0]));
  });
});

describe('predict on one image file', { timeout: 300_000 }, () => {
  it('decodes a PNG to grayscale at the model\'s input size: the same predictions as its pixels in a CSV', async () => {
    // 56x56 gray, shrunk to 28x28 by 2x2 means; written out by hand as the CSV row. Dim (0..3), so
    // that weights without normalization are not saturated and the probabilities tell inputs apart.
    const png = new PNG({ width: 56, height: 56 });
    const value = (x: number, y: number) => (Math.abs(x - y) < 12 ? (x * 7 + y * 13) % 4 : 0);
    for (let y = 0; y < 56; y++) {
      for (let x = 0; x < 56; x++) png.data.set([value(x, y), value(x, y), value(x, y), 255], 4 * (y * 56 + x));
    }
    writeFileSync(at('digit.png'), PNG.sync.write(png));
    const shrunk = Array.from({ length: 784 }, (_, i) => {
      const [x, y] = [2 * (i % 28), 2 * Math.floor(i / 28)];
      return [[x, y], [x + 1, y], [x, y + 1], [x + 1, y + 1]].reduce((sum, [u, v]) => sum + value(u, v), 0) / 4;
    });
    writeFileSync(at('digit.csv'), `${shrunk.join(',')}\n`);
    for (const model of ['mlp', 'lenet5']) {
      await ok('init', '--model', model, '--out', at(`${model}0.json`));
      const fromPng = await ok('predict', '--weights', at(`${model}0.json`), '--input', at('digit.png'));
      const top = /^1: \d  \[\d (0\.\d{4}), \d 0\.\d{4}, \d 0\.\d{4}\]\n$/.exec(fromPng);
      expect(Number(top?.[1]), fromPng).toBeLessThan(0.9);
      expect(fromPng, model).toBe(await ok('predict', '--weights', at(`${model}0.json`), '--input', at('digit.csv')));
    }
    writeFileSync(at('broken.png'), 'not a png');
    expect(await badInput('predict', '--weights', at('mlp0.json'), '--input', at('broken.png'))).toBe(`error: ${at('broken.png')}: unreadable image (not a PNG or JPEG file)`);
  });
});
