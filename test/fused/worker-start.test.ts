/**
 * Training workers start from plain files, without code built from strings:
 * from compiled JavaScript under plain Node (worker-entry.js next to
 * node-platform.js), and from the TypeScript sources under tsx
 * (ts-worker-bootstrap.mjs, then worker-entry.ts). Each run trains on two
 * threads in a child process and reports history.params.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'tinykeras-workers-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A script that trains a model big enough for threads on two of them and prints history.params. */
const script = (entry: string) => `
import * as keras from ${JSON.stringify(entry)};
keras.utils.setRandomSeed(1);
const x = keras.random.uniform([64, 4, 5]);
const y = keras.tensor(Array.from({ length: 64 }, (_, i) => i % 3));
const model = new keras.Sequential([
  new keras.layers.Flatten({ inputShape: [4, 5] }),
  new keras.layers.Dense(32, { activation: 'relu' }),
  new keras.layers.Dense(3, { activation: 'softmax' }),
]);
model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', jitCompile: true });
const history = await model.fit(x, y, { epochs: 2, threads: 2, verbose: 0 });
console.log(JSON.stringify({ params: history.params, loss: history.history.loss }));
`;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('training workers', () => {
  it('start from compiled JavaScript under plain Node, and from the sources under tsx, with the same result', async () => {
    // Compiled: each source file on its own, as tsc would emit it, so worker-entry.js sits next to node-platform.js.
    const out = join(work, 'dist');
    await build({ entryPoints: tsFiles(join(ROOT, 'src')), outdir: out, outbase: join(ROOT, 'src'), format: 'esm', platform: 'node', logLevel: 'silent' });
    writeFileSync(join(out, 'package.json'), '{ "type": "module" }');
    writeFileSync(join(out, 'train.js'), script('./index.js'));
    const compiled = JSON.parse((await run(process.execPath, [join(out, 'train.js')], { cwd: out })).stdout);
    expect(compiled.params).toMatchObject({ executor: 'fused', threads: 2 });
    expect(compiled.params.reason).toBeUndefined();

    const sources = join(work, 'train.mts');
    writeFileSync(sources, script(join(ROOT, 'src/index.ts')));
    const tsx = join(ROOT, 'node_modules/tsx/dist/cli.mjs');
    const fromSources = JSON.parse((await run(process.execPath, [tsx, sources], { cwd: ROOT })).stdout);
    expect(fromSources.params).toMatchObject({ executor: 'fused', threads: 2 });
    expect(fromSources.loss).toEqual(compiled.loss);
  });
});
