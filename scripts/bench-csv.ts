// `npm run bench:csv`: loads a generated 60,000 x 785 MNIST-like CSV (label first, ~110 MB) and
// prints the time and the peak memory against the loaded data's own size. Target: < 5 s, and a
// peak below 3x the data. The load runs in a child process so that its peak RSS is its own.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../main/datasets/index.ts';

const ROWS = 60_000;
const PIXELS = 784;
const MiB = 1 << 20;

async function generate(path: string): Promise<void> {
  const out = createWriteStream(path);
  const header = ['label', ...Array.from({ length: PIXELS }, (_, i) => `pixel${i}`)].join(',');
  out.write(`${header}\n`);
  let seed = 1;
  const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
  for (let r = 0; r < ROWS; r++) {
    const cells = [String(r % 10)];
    // Like MNIST: about 80% background zeros, the rest 1..255.
    for (let i = 0; i < PIXELS; i++) cells.push(random() < 0.8 ? '0' : String(1 + Math.floor(random() * 255)));
    if (!out.write(`${cells.join(',')}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

async function measure(path: string): Promise<void> {
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const ds = await loadDataset({ path }, { labelColumn: 'label' });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const dataBytes = ds.features.byteLength + ds.labels.byteLength;
  const peak = process.resourceUsage().maxRSS * 1024;
  const fileBytes = statSync(path).size;
  console.log(`file:        ${path} (${(fileBytes / MiB).toFixed(1)} MiB), ${ds.rows} rows x ${ds.shape[0]} features, ${ds.classNames.length} classes`);
  console.log(`load time:   ${seconds.toFixed(2)} s  (target < 5 s); CPU time ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (the machine may be shared)`);
  console.log(`data size:   ${(dataBytes / MiB).toFixed(1)} MiB  (features Float32Array + labels Int32Array)`);
  console.log(`peak RSS:    ${(peak / MiB).toFixed(1)} MiB = ${(peak / dataBytes).toFixed(2)}x the data  (target < 3x)`);
  console.log(`  of which the process before loading: ${(rssBefore / MiB).toFixed(1)} MiB; growth ${((peak - rssBefore) / dataBytes).toFixed(2)}x the data`);
}

const path = join(tmpdir(), `backprop-studio-bench-${ROWS}x${PIXELS + 1}.csv`);
if (process.argv[2] === '--measure') {
  await measure(path);
} else {
  if (!existsSync(path)) {
    console.log(`generating ${path} ...`);
    await generate(path);
  }
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--measure'], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}
