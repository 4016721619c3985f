// A reader of weights files written from /work/shared/docs/weights-format.md alone, WITHOUT the
// engine: what a user who takes the weights elsewhere would write. Plain JSON in, float64 out.
// `contractProblems` lists what such a reader may assume and a file breaks; `readerPredict` is the
// forward pass the contract describes (MLP and both LeNet-5 variants), normalization included.

interface Tensor { name: string; shape: number[]; data: number[] }
type Normalization = null | { kind: 'zscore'; mean: number[]; std: number[] } | { kind: 'minmax'; min: number[]; max: number[] };
export interface WeightsFile {
  format: string;
  version: number;
  model: Record<string, unknown> & { type: string; classes: number; activation: string; output: string };
  tensors: Tensor[];
  labels?: string[];
  normalization?: Normalization;
  training?: unknown;
}

/** The tensors and shapes the contract's "Model specs" list, in its order. */
export function contractTensors(model: WeightsFile['model']): [string, number[]][] {
  const n = model.classes;
  if (model.type === 'mlp') {
    const hidden = model.hidden as number[];
    const names = hidden.length === 1 ? ['hidden'] : hidden.map((_, i) => `hidden${i + 1}`);
    let width = model.inputs as number;
    const list: [string, number[]][] = [];
    hidden.forEach((h, i) => {
      list.push([`${names[i]}.weight`, [h, width]], [`${names[i]}.bias`, [h]]);
      width = h;
    });
    return [...list, ['output.weight', [n, width]], ['output.bias', [n]]];
  }
  const classic = model.variant === 'classic';
  return [
    ['c1.weight', [6, 1, 5, 5]], ['c1.bias', [6]],
    ...(classic ? [['s2.coef', [6]], ['s2.bias', [6]]] as [string, number[]][] : []),
    ['c3.weight', [16, 6, 5, 5]], ['c3.bias', [16]],
    ...(classic ? [['s4.coef', [16]], ['s4.bias', [16]]] as [string, number[]][] : []),
    ['c5.weight', [120, 16, 5, 5]], ['c5.bias', [120]],
    ['f6.weight', [84, 120]], ['f6.bias', [84]],
    ['output.weight', [n, 84]], ['output.bias', [n]],
  ];
}

const significantDigits = (text: string) => text.replace(/^-|e.*$|\./g, '').replace(/^0+/, '').replace(/0+$/, '').length;

/** What the contract lets a reader assume of a weights file, each broken assumption as one line.
 *  `text` is the file as written, to check the numbers' spelling (9 significant digits at most). */
export function contractProblems(text: string): string[] {
  const problems: string[] = [];
  const file = JSON.parse(text) as WeightsFile;
  const keys = Object.keys(file);
  const order = ['format', 'version', 'model', 'tensors', 'labels', 'normalization', 'training', 'createdBy', 'createdAt'];
  if (file.format !== 'backprop-studio.weights') problems.push(`format ${file.format}`);
  if (file.version !== 1) problems.push(`version ${file.version}`);
  for (const k of ['format', 'version', 'model', 'tensors']) if (!keys.includes(k)) problems.push(`no ${k}`);
  const known = keys.filter((k) => order.includes(k));
  if (known.join() !== order.filter((k) => keys.includes(k)).join()) problems.push(`fields in the order ${known.join(', ')}`);
  const expected = contractTensors(file.model);
  const got = file.tensors.map((t) => [t.name, t.shape] as [string, number[]]);
  if (JSON.stringify(got) !== JSON.stringify(expected)) problems.push(`tensors ${JSON.stringify(got)}, the contract lists ${JSON.stringify(expected)}`);
  for (const t of file.tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== size) problems.push(`${t.name}: ${t.data.length} numbers for shape [${t.shape}]`);
    // Within float32's range: what a reader storing float32 may assume (bit-exactness is tested apart).
    const bad = t.data.findIndex((x) => typeof x !== 'number' || !Number.isFinite(Math.fround(x)));
    if (bad >= 0) problems.push(`${t.name}: data[${bad}] = ${t.data[bad]} is not a float32 number`);
  }
  // Every number in the tensors' arrays, as spelt in the file.
  for (const line of text.split('\n').filter((l) => l.includes('"data": ['))) {
    const long = line.slice(line.indexOf('"data": [') + 9, line.lastIndexOf(']')).split(', ').find((s) => significantDigits(s) > 9);
    if (long) problems.push(`${long}: more than 9 significant digits`);
  }
  if (file.labels && file.labels.length !== file.model.classes) problems.push(`${file.labels.length} labels for ${file.model.classes} classes`);
  const inputs = inputCount(file.model);
  const norm = file.normalization;
  if (norm) {
    const vectors = norm.kind === 'zscore' ? [norm.mean, norm.std] : [norm.min, norm.max];
    if (vectors.some((v) => v.length !== inputs)) problems.push(`normalization vectors of ${vectors.map((v) => v.length)} for ${inputs} inputs`);
  }
  if (file.model.variant === 'classic') {
    // The 1998 connection table (LeCun et al., Table I): C3 map d reads these S2 maps.
    const table = [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 0], [5, 0, 1], [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5],
      [3, 4, 5, 0], [4, 5, 0, 1], [5, 0, 1, 2], [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5], [0, 1, 2, 3, 4, 5]];
    const c3 = file.tensors.find((t) => t.name === 'c3.weight')!;
    const k = c3.data.findIndex((w, k) => w !== 0 && !table[Math.floor(k / 150)].includes(Math.floor(k / 25) % 6));
    if (k >= 0) problems.push(`c3.weight: data[${k}] = ${c3.data[k]} where the connection table has no link`);
  }
  return problems;
}

function inputCount(model: WeightsFile['model']): number {
  return model.type === 'mlp' ? (model.inputs as number) : (model.inputShape as number[]).reduce((a, b) => a * b, 1);
}

// ---- the forward pass, float64 ----

const activations: Record<string, (z: number) => number> = {
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  tanh: Math.tanh,
  relu: (z) => Math.max(0, z),
  'scaled-tanh': (z) => 1.7159 * Math.tanh((2 * z) / 3),
};

function dense(t: Record<string, Tensor>, name: string, a: number[]): number[] {
  const [W, b] = [t[`${name}.weight`], t[`${name}.bias`]];
  const [rows, cols] = W.shape;
  return Array.from({ length: rows }, (_, i) => a.reduce((s, aj, j) => s + W.data[i * cols + j] * aj, b.data[i]));
}

/** Maps [C][H][W] (flat) with kernels [D][C][k][k]: cross-correlation, stride 1, no padding. */
function conv(t: Record<string, Tensor>, name: string, x: number[], side: number): number[] {
  const [W, b] = [t[`${name}.weight`], t[`${name}.bias`]];
  const [D, C, k] = W.shape;
  const out = side - k + 1;
  const y: number[] = [];
  for (let d = 0; d < D; d++) {
    for (let i = 0; i < out; i++) {
      for (let j = 0; j < out; j++) {
        let s = b.data[d];
        for (let c = 0; c < C; c++) {
          for (let m = 0; m < k; m++) for (let n = 0; n < k; n++) s += W.data[((d * C + c) * k + m) * k + n] * x[(c * side + i + m) * side + j + n];
        }
        y.push(s);
      }
    }
  }
  return y;
}

/** 2x2 windows, stride 2, of each [side][side] map: reduce(window) per map d. */
function pool(x: number[], side: number, reduce: (window: number[], d: number) => number): number[] {
  const half = side / 2;
  const y: number[] = [];
  for (let d = 0; d < x.length / (side * side); d++) {
    for (let i = 0; i < half; i++) {
      for (let j = 0; j < half; j++) {
        const at = (m: number, n: number) => x[(d * side + 2 * i + m) * side + 2 * j + n];
        y.push(reduce([at(0, 0), at(0, 1), at(1, 0), at(1, 1)], d));
      }
    }
  }
  return y;
}

function normalize(row: number[], n: Normalization | undefined): number[] {
  if (!n) return row;
  if (n.kind === 'zscore') return row.map((x, j) => (x - n.mean[j]) / n.std[j]);
  return row.map((x, j) => (x - n.min[j]) / (n.max[j] - n.min[j]));
}

/** The output function's values for one raw input row (the normalization is applied first). */
export function readerPredict(file: WeightsFile, raw: number[]): number[] {
  const t = Object.fromEntries(file.tensors.map((x) => [x.name, x]));
  const { model } = file;
  const act = (v: number[]) => v.map(activations[model.activation]);
  let a = normalize(raw, file.normalization);
  if (model.type === 'mlp') {
    const hidden = model.hidden as number[];
    hidden.forEach((_, i) => (a = act(dense(t, hidden.length === 1 ? 'hidden' : `hidden${i + 1}`, a))));
  } else if (model.variant === 'modern') {
    const reduce = model.pooling === 'avg' ? (w: number[]) => (w[0] + w[1] + w[2] + w[3]) / 4 : (w: number[]) => Math.max(...w);
    a = pool(act(conv(t, 'c1', a, 32)), 28, reduce);
    a = pool(act(conv(t, 'c3', a, 14)), 10, reduce);
    a = act(dense(t, 'f6', act(conv(t, 'c5', a, 5))));
  } else {
    const subsample = (name: string) => (w: number[], d: number) => t[`${name}.coef`].data[d] * (w[0] + w[1] + w[2] + w[3]) + t[`${name}.bias`].data[d];
    a = act(pool(act(conv(t, 'c1', a, 32)), 28, subsample('s2')));
    a = act(pool(act(conv(t, 'c3', a, 14)), 10, subsample('s4')));
    a = act(dense(t, 'f6', act(conv(t, 'c5', a, 5))));
  }
  const z = dense(t, 'output', a);
  if (model.output === 'softmax') {
    const top = Math.max(...z);
    const e = z.map((v) => Math.exp(v - top));
    const sum = e.reduce((s, v) => s + v, 0);
    return e.map((v) => v / sum);
  }
  return model.output === 'sigmoid' ? z.map(activations.sigmoid) : z;
}
