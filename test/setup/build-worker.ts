// vitest globalSetup: vitest cannot load a .ts file as a worker ("Unknown file extension .ts"), so
// the trainer's worker entries are built to real JavaScript first (esbuild, ~10 ms). Piscina stays
// external: bundled, its transfer marker would no longer be the host's.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    workerFile: string; // engine/worker.ts, built
    faultyWorkerFile: string; // test/main/trainer/faulty-worker.ts, built: fails on demand
  }
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const outdir = `${root}.cache/test-workers`;

export default async function setup(project: TestProject): Promise<void> {
  await build({
    entryPoints: { worker: `${root}engine/worker.ts`, 'faulty-worker': `${root}test/main/trainer/faulty-worker.ts` },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['piscina'],
    logLevel: 'warning',
  });
  project.provide('workerFile', `${outdir}/worker.mjs`);
  project.provide('faultyWorkerFile', `${outdir}/faulty-worker.mjs`);
}
