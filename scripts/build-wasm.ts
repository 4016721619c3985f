// Compiles the AssemblyScript kernels (engine/wasm/*.ts) to engine/wasm/kernels.wasm with asc — a build
// output, never committed. Runs from `npm run build:wasm` (and so from prepare, build and test) and from
// the tests that need the module; it does nothing when the .wasm is newer than its sources.
import { existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const sourceDir = fileURLToPath(new URL('../engine/wasm/', import.meta.url));
export const wasmPath = join(sourceDir, 'kernels.wasm');

// v128 SIMD only: relaxed SIMD does not validate in Node 20. No GC: the kernels never allocate.
// Shared memory (up to 4 GiB), imported: growing it never detaches the engine's arrays placed in it,
// and the trainer's threads can all use one (engine/kernels-wasm.ts).
const flags = ['--enable', 'simd', '--enable', 'threads', '--sharedMemory', '--maximumMemory', '65536',
  '--importMemory', '--runtime', 'stub', '-O3', '--noAssert'];

/** Builds the module if it is missing or older than a source (or this script); returns its path. */
export async function buildWasm(): Promise<string> {
  const sources = readdirSync(sourceDir).filter((f) => f.endsWith('.ts')).map((f) => join(sourceDir, f));
  const inputs = [...sources, fileURLToPath(import.meta.url)];
  if (existsSync(wasmPath) && inputs.every((f) => statSync(f).mtimeMs <= statSync(wasmPath).mtimeMs)) return wasmPath;
  const { default: asc } = await import('assemblyscript/asc'); // loads binaryen: only when building
  // Written aside then renamed, so a concurrent reader (another test file) never sees half a module.
  const tmp = `${wasmPath}.${process.pid}.tmp`;
  const { error, stderr } = await asc.main([...sources, ...flags, '--outFile', tmp]);
  if (error) throw new Error(`asc could not compile engine/wasm: ${error.message}\n${stderr.toString()}`);
  renameSync(tmp, wasmPath);
  return wasmPath;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`built ${await buildWasm()}`);
}
