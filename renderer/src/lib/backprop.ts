// One sample's pass as a student reads it: every quantity of the forward pass, then of the
// backward pass, each with the equation it comes from (`source`: its number or section in
// backprop-notes.md) and its values. Pure: the view only lays these rows out.
//
// Symbols follow the notes. MLP: o_k = W_k (input) + b_k, h = a(o_1) (h_k with more hidden layers),
// y = g(o_L), delta_k = dL/do_k. LeNet-5, by layer name: z_c1 a layer's weighted sum, a_c1 what
// comes out of its activation (or of a pooling layer), K_c1 its kernels, o the output scores.
// Equations are text with one piece of markup, "_{...}" for a subscript (mathParts splits it).
import type { ModelSpec } from '../../../engine/spec.ts';
import type { BackpropStage, BackpropTrace } from '../../../main/api/contract.ts';

export interface Quantity {
  key: string; // unique in a pass: "x", "forward:hidden", "y", "loss", "delta:output", "grad:output.weight"
  symbol: string;
  equation: string;
  source: string; // where in backprop-notes.md the equation is
  name: string; // the layer or tensor it belongs to, as the weights file names them
  shape: number[]; // [] for the loss
  values: Float32Array;
}

/** Forward rows in forward order (x ... y, L); backward rows from the loss back to the first layer. */
export interface Pass { forward: Quantity[]; backward: Quantity[] }

interface Symbols { out: string; delta: string; params: Record<string, string> }

export interface MathPart { text: string; sub: boolean }

/** "W_{2}ᵀ δ_{2}" -> "W", "2" (subscript), "ᵀ δ", "2" (subscript). */
export function mathParts(markup: string): MathPart[] {
  return markup.split(/_\{([^}]*)\}/).map((text, i) => ({ text, sub: i % 2 === 1 })).filter((p) => p.text !== '');
}

/** The markup as plain text, subscripts after "_" ("∂L/∂W_{2}" -> "∂L/∂W_2"): for labels. */
export function plainText(markup: string): string {
  return markup.replace(/_\{([^}]*)\}/g, '_$1');
}

/** t: 1 at the true class, 0 elsewhere. */
export function oneHot(label: number, classes: number): number[] {
  return Array.from({ length: classes }, (_, i) => (i === label ? 1 : 0));
}

/** f(x) and f'(x) of an activation, f' written with its input x or its output y as the engine does;
 *  `source` is where f is, `dfSource` where f′ is when the seed numbers it apart. */
const ACTIVATIONS: Record<string, { f: (x: string) => string; df: (x: string, y: string) => string; source: string; dfSource?: string }> = {
  relu: { f: (x) => `max(0, ${x})`, df: (x) => `[${x} > 0]`, source: 'MLP, complete: ReLU' },
  sigmoid: { f: (x) => `σ(${x}) = 1 / (1 + exp(−${x}))`, df: (_, y) => `${y} (1 − ${y})`, source: 'eq. 21', dfSource: 'eq. 22' },
  tanh: { f: (x) => `tanh(${x})`, df: (_, y) => `(1 − ${y}²)`, source: 'MLP, complete: tanh' },
  'scaled-tanh': { f: (x) => `1.7159 tanh(2${x} / 3)`, df: (x) => `1.7159 · 2/3 · (1 − tanh²(2${x} / 3))`, source: 'MLP, complete: scaled tanh' },
};

/** An activation stage's function: its name ends with it ("hidden.relu", "c1.scaled-tanh"). */
function activationOf(stage: BackpropStage) {
  const kind = stage.name.slice(stage.name.lastIndexOf('.') + 1);
  const a = ACTIVATIONS[kind];
  if (!a) throw new Error(`unknown activation in stage ${stage.name}`);
  return a;
}

function symbolsOf(stages: BackpropStage[], spec: ModelSpec): Symbols[] {
  if (spec.type === 'mlp') {
    const dense = stages.filter((s) => s.kind === 'dense').length;
    let k = 0;
    return stages.map((s): Symbols => {
      if (s.kind === 'dense') {
        k++;
        return { out: `o_{${k}}`, delta: `δ_{${k}}`, params: { weight: `W_{${k}}`, bias: `b_{${k}}` } };
      }
      const h = dense === 2 ? 'h' : `h_{${k}}`;
      return { out: h, delta: `∂L/∂${h}`, params: {} };
    });
  }
  return stages.map((s): Symbols => {
    const layer = s.name === 'output' ? 'out' : s.name.split('.')[0];
    const out = s.name === 'output' ? 'o' : `z_{${layer}}`;
    switch (s.kind) {
      case 'activation': case 'maxpool': case 'avgpool': return { out: `a_{${layer}}`, delta: `∂L/∂a_{${layer}}`, params: {} };
      case 'conv': return { out, delta: `δ_{${layer}}`, params: { weight: `K_{${layer}}`, bias: `b_{${layer}}` } };
      case 'subsample': return { out, delta: `δ_{${layer}}`, params: { coef: `coef_{${layer}}`, bias: `b_{${layer}}` } };
      case 'rbf': return { out, delta: `δ_{${layer}}`, params: { centers: 'w' } };
      case 'dense': return { out, delta: `δ_{${layer}}`, params: { weight: `W_{${layer}}`, bias: `b_{${layer}}` } };
    }
  });
}

const WINDOW = 'Σ_{m,n<2}'; // LeNet-5's 2x2 pooling windows, stride 2

/** The seed's equation that applies an activation to the stage before it: h = a(o1) (eq. 2), o = a(x) (eq. 28). */
const APPLIED: Partial<Record<BackpropStage['kind'], string>> = { dense: 'eq. 2', conv: 'eq. 28' };

/** How stage s computes its output from its input (symbol `x`), `before` the stage that made x. */
function forwardEquation(s: BackpropStage, before: BackpropStage | undefined, sym: Symbols, x: string, spec: ModelSpec): [string, string] {
  const { out, params: p } = sym;
  switch (s.kind) {
    case 'dense': return [`${out} = ${p.weight} ${x} + ${p.bias}`, `MLP, complete; eq. ${s.name === 'output' ? 3 : 1}`];
    case 'conv': {
      const table = spec.type === 'lenet5' && spec.variant === 'classic' && s.name === 'c3' ? ', c over C3\'s Table I maps only' : '';
      return [`${out}[d,i,j] = ${p.bias}[d] + Σ_{c,m,n} ${p.weight}[d,c,m,n] ${x}[c,i+m,j+n]`, `eq. 26${table}`];
    }
    case 'activation': {
      const a = activationOf(s), applied = before && APPLIED[before.kind];
      const source = !applied ? a.source : a.source.startsWith('eq. ') ? `${applied}, ${a.source.slice(4)}` : `${applied}; ${a.source}`;
      return [`${out} = ${a.f(x)}`, source];
    }
    case 'maxpool': return [`${out}[c,i,j] = max_{m,n<2} ${x}[c,2i+m,2j+n]`, 'Pooling: max; eq. 29'];
    case 'avgpool': return [`${out}[c,i,j] = ¼ ${WINDOW} ${x}[c,2i+m,2j+n]`, 'Pooling: average; eq. 29 with avg'];
    case 'subsample': return [`${out}[d,i,j] = ${p.coef}[d] ${WINDOW} ${x}[d,2i+m,2j+n] + ${p.bias}[d]`, 'Pooling: classic subsampling'];
    case 'rbf': return [`${out}[i] = −Σ_{j} (${x}[j] − w[i,j])²`, 'LeNet-5: RBF output'];
  }
}

/** The notes' section with delta = dL/dout ⊙ f'(x) for stage s, which an activation follows. */
const deltaSection = (s: BackpropStage) =>
  s.kind === 'dense' ? 'MLP, complete' : s.kind === 'subsample' ? 'Pooling: classic subsampling' : 'Convolution, complete';

/** dL/d(stage s's output) from the next stage's delta, by what the next stage is: [the index the
 *  right side names ('' for a whole vector or element-wise), the right side, its source]. */
function deltaThrough(s: BackpropStage, next: BackpropStage, nextSym: Symbols, out: string): [string, string, string] {
  const { delta: d, params: p } = nextSym;
  switch (next.kind) {
    case 'dense': return ['', `${p.weight}ᵀ ${d}`, 'MLP, complete; the sum over i in eq. 7, 8'];
    case 'activation': {
      const a = activationOf(next);
      return ['', `${d} ⊙ ${a.df(out, nextSym.out)}`, a.dfSource ? `${deltaSection(s)}; ${a.dfSource}` : deltaSection(s)];
    }
    case 'conv': return ['[c,p,q]', `Σ_{d,m,n} ${d}[d,p−m,q−n] ${p.weight}[d,c,m,n], only terms with 0 ≤ p−m < H_{out}, 0 ≤ q−n < W_{out}: the full convolution with the kernels turned 180°`, 'Gap 2'];
    case 'maxpool': return ['[c,p,q]', `${d}[c,⌊p/2⌋,⌊q/2⌋] at its window's maximum, 0 elsewhere`, 'Pooling: max; §3.3'];
    case 'avgpool': return ['[c,p,q]', `¼ ${d}[c,⌊p/2⌋,⌊q/2⌋]`, 'Pooling: average; §3.3, corrected'];
    case 'subsample': return ['[c,p,q]', `${p.coef}[c] ${d}[c,⌊p/2⌋,⌊q/2⌋]`, 'Pooling: classic subsampling'];
    case 'rbf': return ['[j]', `−2 Σ_{i} ${d}[i] (${out}[j] − w[i,j])`, 'LeNet-5: RBF output'];
  }
}

/** A stage's delta row: for the last stage the output delta of Gap 1's table, else deltaThrough. */
function deltaEquation(s: BackpropStage, sym: Symbols, next: [BackpropStage, Symbols] | null, spec: ModelSpec): [string, string] {
  const lhs = (at: string) => (sym.delta.startsWith('∂') ? `${sym.delta}${at}` : `${sym.delta}${at} = ∂L/∂${sym.out}${at}`);
  if (next) {
    const [at, rhs, source] = deltaThrough(s, next[0], next[1], sym.out);
    return [`${lhs(at)} = ${rhs}`, source];
  }
  if (spec.loss === 'cross-entropy' || spec.output === 'identity') return [`${lhs('')} = y − t`, 'Gap 1'];
  if (spec.output === 'sigmoid') return [`${lhs('')} = (y − t) ⊙ g′(${sym.out}) = (y − t) ⊙ y (1 − y)`, 'Gap 1; eq. 10-14, 22'];
  return [`${sym.delta}[k] = Σ_{i} (y[i] − t[i]) ∂y[i]/∂${sym.out}[k] = y[k] ((y[k] − t[k]) − Σ_{i} (y[i] − t[i]) y[i])`, 'Gap 1: the softmax Jacobian'];
}

/** dL/d(one of the stage's tensors), from its delta and its input x. */
function gradEquation(s: BackpropStage, sym: Symbols, x: string, param: string): [string, string] {
  const { delta: d, params: p } = sym;
  const of = `∂L/∂${p[param]}`;
  switch (`${s.kind}.${param}`) {
    case 'dense.weight': return [`${of} = ${d} ${x}ᵀ`, `MLP, complete; eq. ${s.name === 'output' ? 5 : 7}`];
    case 'dense.bias': return [`${of} = ${d}`, `MLP, complete; eq. ${s.name === 'output' ? 6 : 8}, corrected`];
    case 'conv.weight': return [`${of}[d,c,m,n] = Σ_{i,j} ${d}[d,i,j] ${x}[c,i+m,j+n]`, 'eq. 30, corrected'];
    case 'conv.bias': return [`${of}[d] = Σ_{i,j} ${d}[d,i,j]`, 'eq. 31'];
    case 'subsample.coef': return [`${of}[d] = Σ_{i,j} ${d}[d,i,j] ${WINDOW} ${x}[d,2i+m,2j+n]`, 'Pooling: classic subsampling'];
    case 'subsample.bias': return [`${of}[d] = Σ_{i,j} ${d}[d,i,j]`, 'Pooling: classic subsampling'];
    case 'rbf.centers': return [`${of}[i,j] = 2 ${d}[i] (${x}[j] − w[i,j])`, 'LeNet-5: RBF output'];
  }
  throw new Error(`no equation for ${s.name}.${param}`);
}

function outputFunction(spec: ModelSpec, o: string): [string, string] {
  switch (spec.output) {
    case 'softmax': return [`y = softmax(${o}): y[i] = exp(${o}[i]) / Σ_{k} exp(${o}[k])`, 'Gap 1: output function'];
    case 'sigmoid': return [`y = σ(${o}) = 1 / (1 + exp(−${o}))`, 'eq. 4, 21; Gap 1'];
    case 'identity': return [`y = ${o}`, 'Gap 1: output function'];
  }
}

function lossEquation(spec: ModelSpec, label: number): [string, string] {
  if (spec.loss === 'l2') return ['L = ½ Σ_{i} (t[i] − y[i])²', 'eq. 9'];
  if (spec.output === 'softmax') return [`L = −Σ_{i} t[i] ln y[i] = −ln y[${label}]`, 'Gap 1; eq. 15'];
  return ['L = −Σ_{i} (t[i] ln y[i] + (1 − t[i]) ln(1 − y[i]))', 'Gap 1: binary cross-entropy'];
}

const floats = (data: ArrayBuffer) => new Float32Array(data);

/** Every quantity of the trace, in reading order, for the model `spec` that made it. */
export function passOf(trace: BackpropTrace, spec: ModelSpec): Pass {
  const { stages } = trace;
  const syms = symbolsOf(stages, spec);
  const inputOf = (i: number) => (i === 0 ? 'x' : syms[i - 1].out);
  const last = stages.length - 1;
  const image = trace.input.shape.length === 3;

  const forward: Quantity[] = [{
    key: 'x', symbol: 'x', source: '',
    equation: image ? 'x = the image as the model sees it (normalised, padded to 32×32)' : 'x = the sample\'s features as the model sees them (normalised)',
    name: 'input', shape: trace.input.shape, values: floats(trace.input.data),
  }];
  stages.forEach((s, i) => {
    const [equation, source] = forwardEquation(s, stages[i - 1], syms[i], inputOf(i), spec);
    forward.push({ key: `forward:${s.name}`, symbol: syms[i].out, equation, source, name: s.name, shape: s.output.shape, values: floats(s.output.data) });
  });
  const classes = trace.probabilities.length;
  forward.push(
    { key: 'y', symbol: 'y', ...pair(outputFunction(spec, syms[last].out)), name: 'probabilities', shape: [classes], values: Float32Array.from(trace.probabilities) },
    { key: 'loss', symbol: 'L', ...pair(lossEquation(spec, trace.label)), name: 'loss', shape: [], values: Float32Array.of(trace.loss) },
  );

  const backward: Quantity[] = [];
  for (let i = last; i >= 0; i--) {
    const s = stages[i];
    const next: [BackpropStage, Symbols] | null = i < last ? [stages[i + 1], syms[i + 1]] : null;
    backward.push({ key: `delta:${s.name}`, symbol: syms[i].delta, ...pair(deltaEquation(s, syms[i], next, spec)), name: s.name, shape: s.delta.shape, values: floats(s.delta.data) });
    for (const g of s.grads) {
      const param = g.name.slice(s.name.length + 1);
      backward.push({ key: `grad:${g.name}`, symbol: `∂L/∂${syms[i].params[param]}`, ...pair(gradEquation(s, syms[i], inputOf(i), param)), name: g.name, shape: g.shape, values: floats(g.data) });
    }
  }
  return { forward, backward };
}

const pair = ([equation, source]: [string, string]) => ({ equation, source });
