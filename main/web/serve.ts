// `npm run serve`: the browser host on 127.0.0.1, printing the URL with this run's token.
// Options: --port N (default: a free port).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBrowserHost } from './server.ts';

const rendererDir = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' } }, strict: true });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: expected a port number, got ${values.port}`);
  if (!existsSync(`${rendererDir}index.html`)) throw new Error(`no built renderer in ${rendererDir}: run npm run build (npm run serve does)`);
  const host = await startBrowserHost({ rendererDir, port });
  // The test harness reads this line: keep its shape.
  console.log(`Backprop Studio is running at ${host.url}`);
  console.log('Open that URL (it carries this run’s access token). Ctrl+C stops the server.');
  const stop = () => void host.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: Error) => {
  console.error(`error: ${e.message}`);
  process.exit(2);
});
