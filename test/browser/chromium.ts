/**
 * What the browser test files share: Debian's Chromium launched by
 * playwright-core (never a browser download), and esbuild building test
 * code for it.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serveRoutes, type Routes } from '../support/http-fixtures.js';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's Chromium, or an error saying how to install it (CI does, in .ci/run). */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The browser tests need Debian's Chromium at ${CHROMIUM}; install it with: apt-get install chromium (.ci/run does).`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** test/browser/ */
export const here = dirname(fileURLToPath(import.meta.url));

/** Bundles `entry` (a path relative to test/browser/) for the browser as one ES module; a warning fails the build. */
export async function bundle(entry: string): Promise<string> {
  const result = await esbuild.build({ entryPoints: [join(here, entry)], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
  if (result.warnings.length > 0) throw new Error(`esbuild warned: ${JSON.stringify(result.warnings)}`);
  return result.outputFiles[0]!.text;
}

/** One TypeScript file as the JavaScript module tsc would emit beside it (imports untouched): an unbundled page. */
export async function transpile(path: string): Promise<string> {
  const result = await esbuild.build({ entryPoints: [path], bundle: false, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
  return result.outputFiles[0]!.text;
}

/**
 * Starts a module worker from /worker.js (test/browser/worker-entry.ts) in
 * `page`, sends it `message`, and resolves to its `result` (or rejects with
 * its `error`).
 */
export function roundTripWithWorker<T>(page: Page, message: unknown): Promise<T> {
  return page.evaluate(
    (message) =>
      new Promise<T>((resolve, reject) => {
        const worker = new Worker('/worker.js', { type: 'module' });
        worker.onmessage = (event) => {
          worker.terminate();
          if (event.data.error) reject(new Error(event.data.error));
          else resolve(event.data.result);
        };
        worker.onerror = (event) => reject(new Error(`worker error: ${event.message}`));
        worker.postMessage(message);
      }),
    message,
  );
}

/** A Chromium page with the library's browser bundle loaded as `globalThis.keras` (page-entry.ts), and its server. */
export interface LibraryPage {
  page: Page;
  /** The server's origin, where `routes` are served beside the page. */
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves `routes` plus the page at / and its bundle at /page.js, opens it in
 * Debian's Chromium, and waits until the library is loaded.
 */
export async function openLibraryPage(routes: Routes = new Map()): Promise<LibraryPage> {
  routes.set('/', ['text/html', '<!doctype html><title>tinykeras</title><script type="module" src="/page.js"></script>']);
  routes.set('/page.js', ['text/javascript', await bundle('page-entry.ts')]);
  const server = await serveRoutes(routes);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => 'keras' in globalThis);
    const opened = browser;
    return { page, origin: server.origin, close: async () => void (await Promise.all([opened.close(), server.close()])) };
  } catch (error) {
    await browser?.close();
    await server.close();
    throw error;
  }
}
