/**
 * `npm run playground`: builds the page with Vite, then serves it at
 * http://127.0.0.1:<PORT>/ (PORT from the environment, default 5173).
 *
 * `startPlayground` is also what the browser test calls, on a free port.
 */
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

const configFile = fileURLToPath(new URL('./vite.config.ts', import.meta.url));

export interface Playground {
  url: string;
  close(): Promise<void>;
}

export async function startPlayground(port: number): Promise<Playground> {
  await build({ configFile, logLevel: 'warn' });
  const server = await preview({ configFile, preview: { host: '127.0.0.1', port, strictPort: true, open: false } });
  const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`;
  return { url, close: () => server.close() };
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const port = Number(process.env.PORT ?? 5173);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number (0-65535). Received: PORT=${process.env.PORT}`);
    process.exit(1);
  }
  console.log('Building the playground…');
  const { url } = await startPlayground(port);
  console.log(`The tinykeras playground is at ${url}  (Ctrl+C stops it)`);
}
