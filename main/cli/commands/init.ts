// `init`: a freshly initialised weights file for a model, seeded so that it can be reproduced.
import { Model } from '../../../engine/model.ts';
import { parseSpec } from '../../../engine/spec.ts';
import { weightsToJson } from '../../../engine/weights.ts';
import { noPositionals, parseSeed, readModelArg, required, writeText } from '../args.ts';
import type { Command } from '../index.ts';

export const command: Command = {
  summary: 'write a freshly initialised weights file',
  usage: `usage: npm run cli -- init --model <preset | spec JSON | spec file> [--seed N] --out FILE

  --model   a preset (mlp, lenet5, lenet5-classic), a model spec as JSON
            ('{"type":"mlp","inputs":4,"hidden":[8],"classes":3,"activation":"tanh","output":"softmax","loss":"cross-entropy"}')
            or a file holding one (see weights-format.md, "Model specs")
  --seed    initialisation seed, 0 to 4294967295 (default 1); the same seed writes the same file
  --out     the weights file to write`,
  options: { model: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } },
  async run(values, positionals) {
    noPositionals(positionals, 'init');
    const { value, source } = readModelArg(required(values, 'model', 'init'));
    const out = required(values, 'out', 'init');
    const seed = parseSeed(values.seed);
    const model = Model.create(parseSpec(value, source));
    model.init(seed);
    writeText(out, weightsToJson(model));
    console.log(`wrote ${out}: ${model.spec.type}, ${model.size} parameters, seed ${seed}`);
  },
};
