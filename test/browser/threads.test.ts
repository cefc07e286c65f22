/**
 * fit on Web Workers, and a page that stays responsive, in Debian's
 * Chromium. Every response carries Cross-Origin-Opener-Policy: same-origin
 * and Cross-Origin-Embedder-Policy: require-corp, so pages here are
 * cross-origin isolated and have SharedArrayBuffer. Two ways a user serves
 * the library:
 *
 *   /          a page bundled by esbuild, with tinykeras's worker entry
 *              built as a second file beside it (the README's esbuild recipe)
 *   /modules/  unbundled ES modules, one file per source file, as a plain
 *              `<script type="module">` page loads dist/
 *
 * Both must train on 2 and 3 threads exactly as on one thread and as Node
 * does (and on the SIMD tier, 2 threads exactly as one); a Web Worker of
 * the page starts workers of its own. Then the longest main-thread task during fit, evaluateAsync and
 * predictAsync is measured and bounded (generously: this checks that the
 * page is given turns, not speed); the synchronous forms are measured for
 * comparison, and seconds per epoch printed beside Node's.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import * as keras from '../../src/index.js';
import { serveRoutes, type Routes } from '../support/http-fixtures.js';
import { bundle, here, launchChromium, roundTripWithWorker, transpile } from './chromium.js';
import { bandImages, comparable, seedModel, trainSeedModel, type RunResult, type responsiveness } from './fixture.js';

const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const SRC = join(here, '../../src');
/**
 * A long task counts from 50 ms. This bound leaves room for a loaded machine
 * (a worker thread descheduled mid-step or mid-round holds the spinning main
 * thread), yet an epoch or a whole evaluation in one task exceeds it; the
 * responsiveness test raises it with the load it measures.
 */
const GENEROUS_BOUND_MS = 500;

const page = (script: string) => ['text/html', `<!doctype html><title>tinykeras</title><script type="module">${script}</script>`] as [string, string];

const routes: Routes = new Map();
let server: { origin: string; close: () => Promise<void> };
let browser: Browser;
const warnings: string[] = [];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

beforeAll(async () => {
  const pageBundle = await bundle('page-entry.ts');
  routes.set('/', page("import '/page.js';"));
  routes.set('/favicon.ico', ['image/x-icon', new Uint8Array(0)]);
  routes.set('/page.js', ['text/javascript', pageBundle]);
  routes.set('/web-worker-entry.js', ['text/javascript', await bundle('../../src/fused/threads/web-worker-entry.ts')]);
  routes.set('/worker.js', ['text/javascript', await bundle('worker-entry.ts')]);
  // The same bundle where its worker file was not deployed.
  routes.set('/no-worker/', page("import '/no-worker/page.js';"));
  routes.set('/no-worker/page.js', ['text/javascript', pageBundle]);
  for (const file of sourceFiles(SRC)) {
    routes.set(`/modules/${relative(SRC, file).replace(/\.ts$/, '.js')}`, ['text/javascript', await transpile(file)]);
  }
  routes.set('/modules/fixture.js', ['text/javascript', await transpile(join(here, 'fixture.ts'))]);
  routes.set('/modules/', page("import * as keras from '/modules/browser.js'; import * as fixture from '/modules/fixture.js'; Object.assign(globalThis, { keras, fixture });"));
  server = await serveRoutes(routes, ISOLATION);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openPage(path: string): Promise<Page> {
  const opened = await browser.newPage();
  opened.on('console', (message) => {
    if (message.type() === 'warning' || message.type() === 'error') warnings.push(message.text());
  });
  opened.on('pageerror', (error) => warnings.push(`page error: ${error.message}`));
  await opened.goto(`${server.origin}${path}`);
  await opened.waitForFunction(() => 'keras' in globalThis && 'fixture' in globalThis);
  return opened;
}

// The page's globals, as page-entry.ts (or the /modules/ page) sets them.
declare const fixture: { trainSeedModel: typeof trainSeedModel; bandImages: typeof bandImages; seedModel: typeof seedModel; responsiveness: typeof responsiveness };

describe('fit on Web Workers in a cross-origin-isolated page', () => {
  let node: RunResult;
  beforeAll(async () => {
    node = await trainSeedModel(keras, 1);
  });

  for (const [name, path] of [['bundled by esbuild', '/'], ['unbundled modules', '/modules/']] as const) {
    it(`${name}: 2 and 3 threads train bit for bit as one thread, and as Node`, async () => {
      warnings.length = 0;
      const tab = await openPage(path);
      expect(await tab.evaluate(() => crossOriginIsolated)).toBe(true);
      const runs = await tab.evaluate(async () => {
        const k = (globalThis as any).keras;
        return [await fixture.trainSeedModel(k, 1), await fixture.trainSeedModel(k, 2), await fixture.trainSeedModel(k, 3)];
      });
      await tab.close();
      expect(runs.map((r) => r.threads)).toEqual([1, 2, 3]);
      for (const run of runs) expect(comparable(run)).toEqual(comparable(node));
      expect(warnings).toEqual([]);
      console.log(`${name}, seconds per epoch (600 images): ${runs.map((r) => `${r.threads} thread(s) ${r.secondsPerEpoch.toFixed(3)}`).join(', ')}`);
    });
  }

  it('in a Web Worker of the page, fit starts its own workers: 2 threads train as one, and as Node', async () => {
    warnings.length = 0;
    const tab = await openPage('/');
    const run = await roundTripWithWorker<RunResult>(tab, { task: 'train', threads: 2 });
    await tab.close();
    expect(run.threads).toBe(2);
    expect(comparable(run)).toEqual(comparable(node));
    expect(warnings).toEqual([]);
  });

  it('on the SIMD kernel tier, its module and shared memory posted to the workers: 2 threads train as one', async () => {
    warnings.length = 0;
    const tab = await openPage('/');
    const result = await tab.evaluate(async () => {
      const k = (globalThis as any).keras;
      await k.config.setKernels('simd');
      const tier = k.config.kernels();
      const runs = [await fixture.trainSeedModel(k, 1), await fixture.trainSeedModel(k, 2)];
      await k.config.setKernels('js');
      return { tier, runs };
    });
    await tab.close();
    expect(result.tier).toBe('simd');
    expect(result.runs.map((r) => r.threads)).toEqual([1, 2]);
    expect(comparable(result.runs[1]!)).toEqual(comparable(result.runs[0]!));
    expect(result.runs[0]!.accuracy.at(-1)).toBeGreaterThan(0.5);
    expect(warnings).toEqual([]);
  });

  it('without the worker script beside the library, trains on one thread and says why', async () => {
    warnings.length = 0;
    const tab = await openPage('/no-worker/');
    const run = await tab.evaluate(() => fixture.trainSeedModel((globalThis as any).keras, 2));
    await tab.close();
    expect(run.threads).toBe(1);
    expect(comparable(run)).toEqual(comparable(node));
    const threadWarnings = warnings.filter((w) => w.startsWith('fit()'));
    expect(threadWarnings).toHaveLength(1);
    expect(threadWarnings[0]).toMatch(/threads=2 was asked for, but training runs on one thread: worker threads could not start \(.*web-worker-entry\.js/);
  });
});

describe('the main thread stays responsive', () => {
  it('no long task during fit (on one thread and on two), evaluateAsync and predictAsync', async () => {
    const tab = await openPage('/');
    const reports = {
      ...(await tab.evaluate(() => fixture.responsiveness((globalThis as any).keras, 10_000, 30_000, 1))),
      ...(await tab.evaluate(() => fixture.responsiveness((globalThis as any).keras, 10_000, 30_000, 2))),
    };
    await tab.close();
    console.log(`Node, the same fits: ${await nodeFitSeconds()}`);
    console.log('main thread, seed model: fit on 10,000 images, evaluate and predict on 30,000 (longest long task / longest heartbeat gap / total, ms):');
    for (const [call, r] of Object.entries(reports)) {
      console.log(`  ${call.padEnd(52)} ${r.longestLongTaskMs.toFixed(0).padStart(5)} ${r.longestGapMs.toFixed(0).padStart(5)} ${r.totalMs.toFixed(0).padStart(6)}`);
    }
    // The bound grows with the machine's load at this moment, measured by the synchronous calls: the
    // async forms' first task checks all 23.5M input values in one go (~100 ms idle, 5 times that with
    // the rest of the suite running, and a descheduled renderer lengthens the heartbeat's gaps more),
    // while a task holding a whole epoch or evaluation stays above half a synchronous evaluation
    // (and fit's epoch, 10,000 images forward and back, well above) under any load.
    const syncMs = Math.min(reports['evaluate (synchronous)']!.totalMs, reports['predict (synchronous)']!.totalMs);
    const bound = Math.max(GENEROUS_BOUND_MS, syncMs / 2);
    for (const [call, r] of Object.entries(reports)) {
      if (call.includes('synchronous')) continue;
      expect(r.longestLongTaskMs, `${call}: longest long task`).toBeLessThan(bound);
      expect(r.longestGapMs, `${call}: longest heartbeat gap`).toBeLessThan(bound);
    }
    // Relative to the same machine at the same moment: the async forms hold the thread for a fraction of the synchronous ones.
    expect(reports.evaluateAsync!.longestGapMs).toBeLessThan(reports['evaluate (synchronous)']!.totalMs / 3);
    expect(reports.predictAsync!.longestGapMs).toBeLessThan(reports['predict (synchronous)']!.totalMs / 3);
  });
});

/** Node's time for the fits `responsiveness` measures in the page, on one thread and on two. */
async function nodeFitSeconds(): Promise<string> {
  const [x, y] = bandImages(keras, 10_000, 2);
  const seconds: string[] = [];
  for (const threads of [1, 2]) {
    keras.utils.setRandomSeed(1);
    const model = seedModel(keras);
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const start = performance.now();
    await model.fit(x, y, { epochs: 1, validationSplit: 0.2, threads, verbose: 0 });
    seconds.push(`threads ${threads}: ${(performance.now() - start).toFixed(0)} ms`);
  }
  return seconds.join(', ');
}
