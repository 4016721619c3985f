// Packaging without the Electron binary (which cannot be downloaded here): electron-builder.yml is
// checked against electron-builder's own schema, and `electron-builder --linux dir` runs with a
// stand-in Electron (a script carrying the fuse wire's sentinel) to produce the real app.asar. From
// that archive, the trainer's worker chunk, the wasm kernels and piscina must load and train exactly
// like the sources do. Needs `npm run build` first (npm test does it).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { Model } from '../../../engine/model.ts';
import { parseSpec } from '../../../engine/spec.ts';
import { loadDataset, prepareDataset } from '../../../main/datasets/index.ts';
import { TrainingSession } from '../../../main/trainer/index.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const require = createRequire(join(root, 'package.json'));
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string | null, options: unknown): Promise<Record<string, unknown>>;
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const asar = require('@electron/asar') as { extractAll(archive: string, dest: string): void };
const fuses = require('@electron/fuses') as { getCurrentFuseWire(path: string): Promise<Record<string, number>>; FuseV1Options: Record<string, number> };

describe('electron-builder.yml', () => {
  it('validates against electron-builder\'s schema, and the schema does catch mistakes', async () => {
    const config = await getConfig(root, null, null);
    await validateConfiguration(config, new DebugLogger(false));
    expect(config).toMatchObject({ appId: 'org.backpropstudio.app', productName: 'Backprop Studio', icon: 'build/icon.png' });
    expect(config.linux).toMatchObject({ target: ['AppImage', 'deb'] });
    expect(config.win).toMatchObject({ target: ['nsis'] });
    expect(config.mac).toMatchObject({ target: ['dmg'] });
    await expect(validateConfiguration({ ...config, linux: { ...(config.linux as object), tagret: ['deb'] } }, new DebugLogger(false))).rejects.toThrow(/configuration object that does not match the API schema/);
  });
});

/** Electron's fuse wire (v1, 8 fuses) as Electron 45 ships it, after the sentinel @electron/fuses looks for. */
function standInElectron(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bps-electron-'));
  const wire = Buffer.concat([Buffer.from('#!/bin/sh\necho "stand-in Electron"\n# dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, 8]), Buffer.from('11110001\n')]);
  writeFileSync(join(dir, 'electron'), wire);
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'version'), '45.5.0');
  writeFileSync(join(dir, 'LICENSE'), 'MIT');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '<!doctype html>');
  return dir;
}

describe('the packaged layout (electron-builder --dir, stand-in Electron)', () => {
  it('holds the app, its production dependencies and MNIST; the worker and piscina load from it and train like the sources', async () => {
    if (!existsSync(join(root, 'out/main/index.js'))) throw new Error('no build in out/: run npm run build first (npm test does)');
    const output = mkdtempSync(join(tmpdir(), 'bps-dist-'));
    const app = mkdtempSync(join(tmpdir(), 'bps-asar-'));
    onTestFinished(() => [output, app].forEach((d) => rmSync(d, { recursive: true, force: true })));
    const run = spawnSync(process.execPath, [require.resolve('electron-builder/cli.js'), '--linux', 'dir', `-c.electronDist=${standInElectron()}`, `-c.directories.output=${output}`], {
      cwd: root, encoding: 'utf8', timeout: 170_000,
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const resources = join(output, 'linux-unpacked', 'resources');

    // The fuses of electron-builder.yml were flipped in the binary.
    const wire = await fuses.getCurrentFuseWire(join(output, 'linux-unpacked', 'backprop-studio'));
    const { FuseV1Options: F } = fuses;
    expect([wire[F.RunAsNode], wire[F.EnableNodeOptionsEnvironmentVariable], wire[F.EnableNodeCliInspectArguments]].map((c) => String.fromCharCode(c))).toEqual(['0', '0', '0']);
    expect([wire[F.EnableCookieEncryption], wire[F.OnlyLoadAppFromAsar]].map((c) => String.fromCharCode(c))).toEqual(['1', '1']);

    expect(readdirSync(resources).filter((f) => f.startsWith('mnist-')).sort()).toEqual(['mnist-images-idx3-ubyte.gz', 'mnist-labels-idx1-ubyte.gz']);
    asar.extractAll(join(resources, 'app.asar'), app);
    for (const f of ['package.json', 'out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'node_modules/piscina/package.json', 'node_modules/valibot/package.json']) {
      expect(existsSync(join(app, f)), f).toBe(true);
    }
    for (const f of ['engine', 'main', 'test', 'node_modules/electron', 'node_modules/vite', 'node_modules/svelte']) expect(existsSync(join(app, f)), f).toBe(false);

    // A sandboxed preload can require 'electron' and nothing else, and must be CommonJS.
    const preload = readFileSync(join(app, 'out/preload/index.cjs'), 'utf8');
    expect([...new Set(preload.match(/require\("[^"]*"\)/g))]).toEqual(['require("electron")']);
    expect(preload).not.toMatch(/^\s*(import|export)\s/m);

    // The chunks the main bundle names (electron-vite's ?modulePath and ?asset) are in the archive.
    const main = readFileSync(join(app, 'out/main/index.js'), 'utf8');
    const chunk = (pattern: RegExp) => {
      const m = pattern.exec(main);
      expect(m, String(pattern)).not.toBeNull();
      return join(app, 'out/main', m![1]);
    };
    const workerFile = chunk(/"\.\/(chunks\/worker-[\w-]+\.js)"/);
    const wasmFile = chunk(/"\.\/(chunks\/kernels-[\w-]+\.wasm)"/);

    // piscina resolves inside the archive from where the main bundle is, and loads.
    const piscinaEntry = createRequire(join(app, 'out/main/index.js')).resolve('piscina');
    expect(piscinaEntry.startsWith(app)).toBe(true);
    expect(typeof (await import(pathToFileURL(piscinaEntry).href)).Piscina).toBe('function');

    // The packaged worker (with the packaged wasm kernels) trains exactly like the built sources.
    const spec = parseSpec({ type: 'mlp', inputs: 2, hidden: [4], classes: 2, activation: 'tanh', output: 'softmax', loss: 'cross-entropy' });
    const data = prepareDataset(await loadDataset({ builtin: 'xor', rows: 64 }), { spec, seed: 1 });
    const twoSteps = async (files: { workerFile: string; wasmFile: string }) => {
      const session = await TrainingSession.create({
        ...data, ...files,
        config: { spec, optimizer: { kind: 'sgd', lr: 0.5 }, batchSize: 16, epochs: 1, threads: 1, seed: 1 },
        onEvent: () => {},
      });
      try {
        await session.step();
        await session.step();
        return session.snapshot();
      } finally {
        await session.close();
      }
    };
    const packaged = await twoSteps({ workerFile, wasmFile });
    const fromSource = await twoSteps({ workerFile: inject('workerFile'), wasmFile: join(root, 'engine/wasm/kernels.wasm') });
    expect(packaged).toEqual(fromSource);
    const initial = Model.create(spec);
    initial.init(1);
    expect(Array.from(packaged)).not.toEqual(Array.from(initial.params)); // two steps did move the weights
  }, 180_000);
});
