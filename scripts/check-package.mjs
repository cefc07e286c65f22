#!/usr/bin/env node
/**
 * npm run check:package — the package as a user gets it. Packs the tarball
 * (which builds dist/), installs it into a fresh temporary project (offline:
 * tinykeras has no dependencies), and checks there:
 *
 *   1. plain `node app.mjs` (no tsx) trains the seed model, on two worker
 *      threads and on one, with identical weights, and saves/loads it;
 *   2. a TypeScript consumer type-checks under `strict` with
 *      moduleResolution "bundler" (Node's types and the browser's) and "node16";
 *   3. esbuild --bundle --platform=browser and Vite build a page that uses it,
 *      with zero errors and zero warnings, and the Web Worker that fit's
 *      threads start on a cross-origin-isolated page (Vite from the
 *      `new Worker(new URL(...))` in the library; esbuild as the README's
 *      second entry point, `tinykeras/web-worker`);
 *   4. a minified bundle prints the error classes' real names;
 *   5. in Debian's Chromium, on a cross-origin-isolated page, the Vite build
 *      and the esbuild build (with its second entry point) train on two Web
 *      Workers with the same weights as on one thread.
 *
 * The bundlers and tsc come from this repository's devDependencies; the
 * temporary project holds only the installed tarball. Prints bundle sizes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'tinykeras-package-'));
const app = join(work, 'app');
const keep = process.argv.includes('--keep');

function step(title) {
  console.log(`\n== ${title}`);
}

function run(command, args, cwd, options = {}) {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
  } catch (error) {
    process.stdout.write(error.stdout ?? '');
    process.stderr.write(error.stderr ?? '');
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}`);
  }
}

function check(condition, message) {
  if (!condition) throw new Error(message);
  console.log(`ok: ${message}`);
}

function write(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

// The Node program a new user would write: the seed model on small generated data.
const NODE_APP = `
import * as keras from 'tinykeras';

function data(count) {
  const rng = new keras.random.RandomGenerator(7);
  const x = new Float32Array(count * 28 * 28);
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 10;
    y[i] = label;
    // Each class lights its own band of rows, plus noise: learnable in one epoch.
    for (let p = 0; p < 784; p++) x[i * 784 + p] = (Math.floor(p / 78.4) === label ? 0.8 : 0) + 0.2 * rng.uniform();
  }
  return [keras.tensor(x, [count, 28, 28]), keras.tensor(y, [count])];
}

async function train(threads) {
  keras.utils.setRandomSeed(42);
  keras.utils.clearSession();
  const model = new keras.Sequential([
    new keras.layers.Flatten({ inputShape: [28, 28] }),
    new keras.layers.Dense(128, { activation: 'relu' }),
    new keras.layers.Dense(10, { activation: 'softmax' }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const [x, y] = data(2000);
  const history = await model.fit(x, y, { epochs: 2, batchSize: 250, threads, verbose: 0 });
  return { model, history, x, y };
}

const warnings = [];
const warn = console.warn;
console.warn = (...args) => { warnings.push(args.join(' ')); warn(...args); };
const two = await train(2);
const one = await train(1);
console.warn = warn;
if (warnings.length > 0) throw new Error('warnings while training: ' + warnings.join('; '));
const accuracy = two.history.history.accuracy.at(-1);
console.log('loss', two.history.history.loss.map((v) => v.toFixed(4)).join(' '), 'accuracy', accuracy.toFixed(4));
if (!(accuracy > 0.9)) throw new Error('the seed model did not learn: accuracy ' + accuracy);
const same = two.model.weights.every((w, i) => w.data.every((v, j) => Object.is(v, one.model.weights[i].data[j])));
if (!same) throw new Error('two threads and one thread trained different weights');
console.log('threads 2 and 1: identical weights');

await two.model.save('saved-model');
const loaded = await keras.models.loadModel('saved-model');
const [a, b] = [two.model.predict(two.x, { verbose: 0 }).data, loaded.predict(two.x, { verbose: 0 }).data];
if (!a.every((v, i) => v === b[i])) throw new Error('the loaded model predicts differently');
console.log('saved and loaded: same predictions');
console.log('parseIdx', typeof keras.datasets.parseIdx, 'datasets', Object.keys(keras.datasets).join(','));
const namespaces = ['layers', 'models', 'optimizers', 'losses', 'metrics', 'callbacks', 'utils', 'datasets', 'ops', 'random', 'config', 'io'];
const missing = namespaces.filter((name) => typeof keras[name] !== 'object');
const internal = [['losses', 'resolveMetric'], ['losses', 'METRIC_NAMES'], ['losses', 'EPSILON'], ['callbacks', 'formatFilepath']].filter(([ns, name]) => name in keras[ns]);
if (missing.length > 0 || internal.length > 0) throw new Error('namespaces missing: ' + missing.join(', ') + '; internals exported: ' + internal.join(', '));
console.log("namespaces: Keras's, no internals");
`;

// Uses the API with types: errors here are type errors in what the package declares.
const TS_CONSUMER = `
import * as keras from 'tinykeras';
import { ValueError, type Logs, type FitArgs } from 'tinykeras';

const model: keras.Sequential = new keras.Sequential([
  new keras.layers.Flatten({ inputShape: [28, 28] }),
  new keras.layers.Dense(128, { activation: 'relu' }),
  new keras.layers.Dense(10, { activation: 'softmax' }),
]);
model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
const onEpoch = (epoch: number, logs?: Logs): void => console.log(epoch, logs?.loss);
const args: FitArgs = { epochs: 1, batchSize: 32, callbacks: [{ onEpochEnd: onEpoch }] };
export async function main(x: keras.Tensor, y: keras.Tensor): Promise<number> {
  const history = await model.fit(x, y, args);
  const loss: number[] = history.history.loss!;
  const idx: keras.IdxArray = keras.datasets.parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 7]));
  const [[xTrain]] = await keras.datasets.fashionMnist.loadData();
  try {
    new keras.layers.Dense(0);
  } catch (error) {
    if (error instanceof ValueError) return loss[0]! + idx.data[0]! + xTrain.shape[0]!;
  }
  return 0;
}
`;

// The page a bundler builds: uses the browser entry end to end.
const PAGE_MAIN = `
import * as keras from 'tinykeras';
keras.utils.setRandomSeed(1);
const model = new keras.Sequential([
  new keras.layers.Flatten({ inputShape: [4] }),
  new keras.layers.Dense(8, { activation: 'relu' }),
  new keras.layers.Dense(3, { activation: 'softmax' }),
]);
model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
const x = keras.random.normal([30, 4]);
const y = keras.tensor(Array.from({ length: 30 }, (_, i) => i % 3));
await model.fit(x, y, { epochs: 1, verbose: 0 });
await model.save('indexeddb://page-model');
const data = keras.datasets.fashionMnist.loadData({ origin: '/data/', onProgress: (p) => console.log(p.loadedBytes) });
console.log(await data);
`;

// A page that trains on one thread, then on two Web Workers; it records whether the weights agree.
const THREADS_MAIN = `
import * as keras from 'tinykeras';
async function train(threads) {
  keras.utils.setRandomSeed(3);
  keras.utils.clearSession();
  const model = new keras.Sequential([
    new keras.layers.Flatten({ inputShape: [28, 28] }),
    new keras.layers.Dense(128, { activation: 'relu' }),
    new keras.layers.Dense(10, { activation: 'softmax' }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const rng = new keras.random.RandomGenerator(5);
  const x = keras.tensor(Float32Array.from({ length: 512 * 784 }, () => rng.uniform()), [512, 28, 28]);
  const y = keras.tensor(Float32Array.from({ length: 512 }, (_, i) => i % 10));
  const history = await model.fit(x, y, { epochs: 1, batchSize: 64, threads, verbose: 0 });
  return { threads: history.params.threads, weights: model.weights.map((w) => Array.from(w.data)) };
}
try {
  const [one, two] = [await train(1), await train(2)];
  globalThis.result = { isolated: crossOriginIsolated, threads: [one.threads, two.threads], same: JSON.stringify(one.weights) === JSON.stringify(two.weights) };
} catch (error) {
  globalThis.result = { error: String(error) };
}
`;

/** Serves `dir` with the two headers that make a page cross-origin isolated. */
async function serveIsolated(dir) {
  const types = { '.html': 'text/html', '.js': 'text/javascript' };
  const server = createServer((request, response) => {
    const path = join(dir, new URL(request.url, 'http://x').pathname);
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    if (!path.startsWith(dir) || !existsSync(path)) return void response.writeHead(404, headers).end();
    response.writeHead(200, { ...headers, 'Content-Type': types[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream' }).end(readFileSync(path));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

// Each error class's name as printed, from the minified bundle.
const ERROR_NAMES_MAIN = `
import * as keras from 'tinykeras';
const found = [];
function attempt(f) {
  try { f(); } catch (error) { found.push(String(error).split(':')[0] + '/' + error.name + '/' + (error instanceof keras.TinykerasError)); }
}
attempt(() => new keras.layers.Dense(0));
attempt(() => keras.tensor([1, 2, 3]).reshape([2, 2]));
attempt(() => new keras.Sequential([new keras.layers.Dense(2)]).predict(keras.ops.zeros([1, 2])));
attempt(() => keras.datasets.parseIdx(new Uint8Array(2)));
try { new keras.optimizers.Adam({ learningRate: -1 }); } catch (error) { found.push(error.message.split(':')[0]); }
console.log(JSON.stringify(found));
`;

try {
  step('npm pack (builds dist/)');
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], repo));
  const tarball = join(work, packed[0].filename);
  const shipped = packed[0].files.map((f) => f.path);
  check(shipped.includes('dist/index.js') && shipped.includes('dist/browser.d.ts'), `the tarball ships dist/ (${shipped.length} files, ${(packed[0].size / 1024).toFixed(0)} kB packed)`);
  check(!shipped.some((p) => p.startsWith('test/') || p.startsWith('bench/')), 'the tarball leaves out tests and benchmarks');

  step('install the tarball into a fresh project, offline');
  write(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }, null, 2));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', tarball], app);
  check(readFileSync(join(app, 'node_modules/tinykeras/package.json'), 'utf8').includes('"exports"'), 'tinykeras is installed');

  step('plain node app.mjs trains the seed model (threads: 2)');
  write(join(app, 'app.mjs'), NODE_APP);
  const output = run(process.execPath, ['app.mjs'], app);
  process.stdout.write(output);
  check(output.includes('identical weights') && output.includes('same predictions'), 'node app.mjs trained, saved and loaded');
  check(output.includes("namespaces: Keras's, no internals"), 'the package exports Keras\'s namespaces and no internals');

  // The docs' programs, as written there: the README's Node one is type-checked as TypeScript below,
  // docs/browser.md's bundler page is built by Vite below (running them takes minutes: done by hand).
  const blocks = (file, language) =>
    [...readFileSync(join(repo, file), 'utf8').matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
  const [readmeNodeApp] = blocks('README.md', 'js');
  const [readmePageMain] = blocks('docs/browser.md', 'js');
  const [readmePageHtml] = blocks('docs/browser.md', 'html');
  check(readmeNodeApp?.includes("from 'tinykeras'") && readmePageMain?.includes('ProgressCallback') && readmePageHtml?.includes('./main.js'), 'found the README\'s programs');

  step('TypeScript consumers under strict');
  write(join(app, 'consumer.ts'), TS_CONSUMER);
  write(join(app, 'readme-app.ts'), readmeNodeApp);
  const tsc = join(repo, 'node_modules/typescript/bin/tsc');
  const base = { strict: true, noEmit: true, target: 'ES2022', lib: ['ES2022', 'DOM'], skipLibCheck: false, types: [] };
  const configs = {
    'bundler': { ...base, module: 'ESNext', moduleResolution: 'bundler' },
    'bundler, browser condition': { ...base, module: 'ESNext', moduleResolution: 'bundler', customConditions: ['browser'] },
    'node16': { ...base, module: 'node16', moduleResolution: 'node16' },
  };
  for (const [name, compilerOptions] of Object.entries(configs)) {
    const file = `tsconfig.${name.replace(/\W+/g, '-')}.json`;
    write(join(app, file), JSON.stringify({ compilerOptions, files: ['consumer.ts', 'readme-app.ts'] }, null, 2));
    run(process.execPath, [tsc, '-p', file], app);
    check(true, `tsc strict, moduleResolution ${name}: no errors`);
  }

  step('bundlers, browser platform');
  write(join(app, 'main.js'), PAGE_MAIN);
  write(join(app, 'errors.js'), ERROR_NAMES_MAIN);
  write(join(app, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>\n');
  const esbuild = await import(pathToFileURL(join(repo, 'node_modules/esbuild/lib/main.js')).href);
  const sizes = {};
  for (const minify of [false, true]) {
    const result = await esbuild.build({
      entryPoints: [join(app, 'main.js')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      minify,
      write: false,
      logLevel: 'silent',
      absWorkingDir: app,
    });
    check(result.errors.length === 0 && result.warnings.length === 0, `esbuild --bundle --platform=browser${minify ? ' --minify' : ''}: 0 errors, 0 warnings`);
    const code = result.outputFiles[0].contents;
    // A module specifier ("node:fs"), not an object key ({ node: t.node }), which the graph code has.
    check(!/["'`]node:[a-z]|worker_threads|\brequire\(/.test(result.outputFiles[0].text), 'the browser bundle holds no Node module');
    sizes[minify ? 'esbuild, minified' : 'esbuild'] = code;
  }

  // esbuild leaves `new URL('./web-worker-entry.js', import.meta.url)` as written: the README's recipe builds the
  // worker entry as a second entry point, named so that it lands beside the page's bundle.
  const withWorker = await esbuild.build({
    // The CLI's `esbuild main.js web-worker-entry=tinykeras/web-worker --outdir=out`.
    entryPoints: [{ in: join(app, 'main.js'), out: 'main' }, { in: 'tinykeras/web-worker', out: 'web-worker-entry' }],
    outdir: join(work, 'esbuild-out'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    logLevel: 'silent',
    absWorkingDir: app,
  });
  const withWorkerFiles = withWorker.outputFiles.map((f) => f.path.slice(join(work, 'esbuild-out').length + 1)).sort();
  check(
    withWorker.errors.length === 0 && withWorker.warnings.length === 0 && withWorkerFiles.join() === 'main.js,web-worker-entry.js',
    `esbuild with tinykeras/web-worker as a second entry point: 0 errors, 0 warnings, ${withWorkerFiles.join(' + ')}`,
  );
  const workerBundle = withWorker.outputFiles.find((f) => f.path.endsWith('web-worker-entry.js'));
  check(!/["'`]node:[a-z]|worker_threads|\brequire\(/.test(workerBundle.text), 'the worker bundle holds no Node module');
  sizes['esbuild worker, min'] = workerBundle.contents;

  // Vite prints what a user would see through its logger; that is what is counted (it already
  // leaves out Rollup's circular-import notes). A control build importing a Node module proves
  // the counting works: Vite warns about externalizing it for the browser.
  const vite = await import(pathToFileURL(join(repo, 'node_modules/vite/dist/node/index.js')).href);
  async function viteBuild(entryHtml) {
    const messages = [];
    const record = (level) => (message) => messages.push(`${level}: ${message}`);
    const customLogger = { ...vite.createLogger('warn'), warn: record('warn'), warnOnce: record('warn'), error: record('error') };
    const built = await vite.build({
      root: app,
      configFile: false,
      logLevel: 'warn',
      customLogger,
      build: { outDir: join(work, 'vite-dist'), emptyOutDir: true, write: false, rollupOptions: { input: join(app, entryHtml) } },
    });
    const outputs = (Array.isArray(built) ? built : [built]).flatMap((b) => b.output);
    const chunks = outputs.filter((o) => o.type === 'chunk');
    return { messages, code: Buffer.from(chunks.map((c) => c.code).join('')), files: outputs.map((o) => o.fileName) };
  }
  write(join(app, 'control.js'), "const fs = await import('node:fs');\nconsole.log(fs);\n");
  write(join(app, 'control.html'), '<!doctype html><script type="module" src="./control.js"></script>\n');
  const control = await viteBuild('control.html');
  check(control.messages.length > 0, 'control: Vite\'s warnings are counted (a page importing node:fs gets one)');
  write(join(app, 'readme/index.html'), readmePageHtml);
  write(join(app, 'readme/main.js'), readmePageMain);
  const readmePage = await viteBuild('readme/index.html');
  check(readmePage.messages.length === 0, `vite build of the README's page: 0 errors, 0 warnings${readmePage.messages.length ? `; got:\n${readmePage.messages.join('\n')}` : ''}`);
  const page = await viteBuild('index.html');
  check(page.messages.length === 0, `vite build: 0 errors, 0 warnings${page.messages.length ? `; got:\n${page.messages.join('\n')}` : ''}`);
  sizes['vite (minified)'] = page.code;
  check(page.files.some((f) => /web-worker-entry.*\.js$/.test(f)), `vite bundles the training worker from the library's new Worker(new URL(...)): ${page.files.filter((f) => /worker/.test(f)).join(', ')}`);

  step('error class names in a minified bundle');
  const minified = await esbuild.build({
    entryPoints: [join(app, 'errors.js')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    outfile: join(app, 'errors.min.mjs'),
    logLevel: 'silent',
    absWorkingDir: app,
  });
  check(minified.warnings.length === 0, 'the minified errors bundle builds without warnings');
  const printed = JSON.parse(run(process.execPath, ['errors.min.mjs'], app));
  const expected = ['ValueError/ValueError/true', 'ShapeError/ShapeError/true', 'RuntimeError/RuntimeError/true', 'FileFormatError/FileFormatError/true', 'Adam'];
  check(JSON.stringify(printed) === JSON.stringify(expected), `minified errors print ${printed.join(', ')}`);

  step('in Chromium, a cross-origin-isolated page trains on two Web Workers');
  write(join(app, 'threads.js'), THREADS_MAIN);
  write(join(app, 'threads.html'), '<!doctype html><script type="module" src="./threads.js"></script>\n');
  const viteOut = join(work, 'vite-threads');
  await vite.build({ root: app, configFile: false, logLevel: 'silent', build: { outDir: viteOut, emptyOutDir: true, rollupOptions: { input: join(app, 'threads.html') } } });
  const esbuildOut = join(work, 'esbuild-threads');
  await esbuild.build({
    entryPoints: [{ in: join(app, 'threads.js'), out: 'threads' }, { in: 'tinykeras/web-worker', out: 'web-worker-entry' }],
    outdir: esbuildOut, bundle: true, platform: 'browser', format: 'esm', minify: true, logLevel: 'silent', absWorkingDir: app,
  });
  write(join(esbuildOut, 'threads.html'), '<!doctype html><script type="module" src="./threads.js"></script>\n');
  const { chromium } = await import(pathToFileURL(join(repo, 'node_modules/playwright-core/index.mjs')).href);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    for (const [name, dir] of [['vite build', viteOut], ['esbuild + tinykeras/web-worker', esbuildOut]]) {
      const server = await serveIsolated(dir);
      const tab = await browser.newPage();
      await tab.goto(`${server.origin}/threads.html`);
      await tab.waitForFunction(() => 'result' in globalThis, null, { timeout: 120_000 });
      const result = await tab.evaluate(() => globalThis.result);
      await tab.close();
      await server.close();
      check(result.isolated && result.threads?.join() === '1,2' && result.same, `${name}: trained on ${result.threads?.[1]} threads with one thread's weights (${JSON.stringify(result)})`);
    }
  } finally {
    await browser.close();
  }

  step('bundle sizes (a page that trains, saves to IndexedDB and loads data)');
  for (const [name, bytes] of Object.entries(sizes)) {
    console.log(`${name.padEnd(20)} ${(bytes.length / 1024).toFixed(1).padStart(7)} kB   gzipped ${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1).padStart(6)} kB`);
  }
  console.log('\ncheck:package passed');
} catch (error) {
  console.error(`\ncheck:package FAILED: ${error.message}`);
  process.exitCode = 1;
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
