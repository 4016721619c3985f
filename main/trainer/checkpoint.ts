// Checkpoint files: everything that determines the rest of a run, so that resuming gives the same
// weights as never stopping. JSON with the float vectors in base64 (exact, and a third the size of
// decimal text); written atomically, so a crash mid-write never leaves a torn file.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as v from 'valibot';
import { InputError } from '../../engine/errors.ts';
import { Model } from '../../engine/model.ts';
import { bufferCount, OptimizerConfigSchema, type OptimizerConfig } from '../../engine/optim.ts';
import { ModelSpecSchema, type ModelSpec } from '../../engine/spec.ts';
import { parseJson, parseOrThrow } from '../../engine/validate.ts';
import { NormalizationSchema, type Normalization } from '../../engine/weights.ts';

export interface Checkpoint {
  spec: ModelSpec;
  optimizer: OptimizerConfig; // with the learning rate in force
  batchSize: number;
  seed: number;
  limit: number | null;
  trainRows: number; // of the prepared training set, to catch resuming on other data
  // How the inputs were scaled, to catch resuming on other scaling: undefined in checkpoints written
  // before it was kept (not checked then).
  normalization?: Normalization;
  epoch: number; // completed epochs
  position: number; // samples of the current epoch done
  step: number;
  samplesSeen: number;
  rngState: number[]; // the shuffle RNG before the current epoch's shuffle
  epochLossSum: number;
  epochCorrect: number;
  params: Float32Array;
  optimizerState: { t: number; buffers: Float32Array[] };
}

const FORMAT = 'backprop-studio.checkpoint';

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const base64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64 text'));

const CheckpointSchema = v.object({
  format: v.literal(FORMAT, `expected "${FORMAT}"`),
  version: v.literal(1, 'expected version 1'),
  spec: ModelSpecSchema,
  optimizer: OptimizerConfigSchema,
  batchSize: v.pipe(count, v.minValue(1)),
  seed: count,
  limit: v.nullable(count),
  trainRows: count,
  normalization: v.optional(NormalizationSchema),
  epoch: count,
  position: count,
  step: count,
  samplesSeen: count,
  rngState: v.pipe(v.array(v.pipe(count, v.maxValue(0xffffffff))), v.length(4)),
  epochLossSum: v.pipe(v.number(), v.finite()),
  epochCorrect: count,
  params: base64,
  optimizerState: v.object({ t: count, buffers: v.array(base64) }),
});

function encode(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** Float32 values from base64; `size` checks their count (the parameters' count comes from them). */
function decode(text: string, source: string, field: string, size?: number): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0 || (size !== undefined && bytes.length !== size * 4)) {
    throw new InputError(`${source}: ${field}: expected ${size ?? 'whole'} float32 values, got ${bytes.length / 4}`);
  }
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Writes to a temporary file beside `path`, then renames it over `path` (atomic on one file system). */
export function writeCheckpoint(path: string, c: Checkpoint): void {
  const text = JSON.stringify({
    format: FORMAT,
    version: 1,
    ...c,
    params: encode(c.params),
    optimizerState: { t: c.optimizerState.t, buffers: c.optimizerState.buffers.map(encode) },
  });
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true }); // a part written before the disk filled up, say
    throw new InputError(`${path}: cannot write the checkpoint: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function readCheckpoint(path: string): Checkpoint {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`${path}: cannot read the checkpoint: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const raw = parseOrThrow(CheckpointSchema, parseJson(text, path), path);
  // The fields must also agree with each other: a session resumed from ones that do not would fail
  // far from the cause, or (a position past the epoch's end) never reach the epoch's end.
  const size = Model.create(raw.spec).size;
  const params = decode(raw.params, path, 'params', size);
  const moments = bufferCount(raw.optimizer.kind);
  if (raw.optimizerState.buffers.length !== moments) {
    throw new InputError(`${path}: optimizerState.buffers: expected ${moments} moment vectors for ${raw.optimizer.kind}, got ${raw.optimizerState.buffers.length}`);
  }
  if (raw.position > raw.trainRows || (raw.position % raw.batchSize !== 0 && raw.position !== raw.trainRows)) {
    throw new InputError(`${path}: position: expected a multiple of the batch size ${raw.batchSize} up to trainRows ${raw.trainRows}, got ${raw.position}`);
  }
  if (raw.epochCorrect > raw.position) {
    throw new InputError(`${path}: epochCorrect: expected at most position ${raw.position}, got ${raw.epochCorrect}`);
  }
  return {
    ...raw,
    params,
    optimizerState: {
      t: raw.optimizerState.t,
      buffers: raw.optimizerState.buffers.map((b, i) => decode(b, path, `optimizerState.buffers[${i}]`, size)),
    },
  };
}
