/**
 * Model files from anywhere: a model.json may name any path and declare any
 * size. Loading must never read a file outside the model's directory, never
 * echo a file's contents, and never do work out of proportion to the files.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { FileFormatError, TinykerasError } from '../../src/errors.js';
import { rejection, useTempDir } from '../support/helpers.js';

const root = useTempDir('hostile-files');
let counter = 0;

/** 64 bytes that decode to recognisable float32 values, and as text to a recognisable string. */
const SECRET_TEXT = 'SECRET-7f3a9c-do-not-leak-SECRET-7f3a9c-do-not-leak-SECRET-7f3a9c';
const SECRET = new TextEncoder().encode(SECRET_TEXT.slice(0, 64));

/** A tiny model whose weights take exactly 64 bytes: Dense 3→4 (12 + 4 = 16 floats). */
function tinyModel(): keras.Sequential {
  return new keras.Sequential([new keras.layers.Dense(4, { inputShape: [3] })]);
}

/** A saved tiny model in a fresh directory beside a planted secret file; returns both paths. */
async function plant(): Promise<{ dir: string; secret: string; outside: string }> {
  const outside = join(root(), `case-${counter++}`);
  const dir = join(outside, 'model');
  await mkdir(outside, { recursive: true });
  const secret = join(outside, 'secret.bin');
  await writeFile(secret, SECRET);
  await tinyModel().save(dir);
  return { dir, secret, outside };
}

async function editManifestPaths(dir: string, paths: string[]): Promise<void> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  json.weightsManifest[0].paths = paths;
  await writeFile(join(dir, 'model.json'), JSON.stringify(json));
}

/** The secret's bytes read as float32, the way a kernel would hold them. */
const secretFloats = Array.from(new Float32Array(SECRET.buffer.slice(0, 64)));

/** Fails if `error`'s message, or any weight of `model`, holds the secret. */
function expectNoLeak(error: unknown, model?: keras.Sequential): void {
  expect(error).toBeInstanceOf(FileFormatError);
  const message = (error as Error).message;
  expect(message).not.toContain('SECRET');
  expect(message).not.toContain('7f3a9c');
  if (model) {
    const values = model.getWeights().flatMap((w) => Array.from(w.data));
    for (const v of secretFloats) if (Number.isFinite(v) && v !== 0) expect(values).not.toContain(v);
  }
}

beforeEach(() => keras.utils.clearSession());

describe('weights paths stay inside the model directory', () => {
  const escapes: [string, (o: { secret: string; outside: string; dir: string }) => Promise<string[]>][] = [
    ['../ in the path', async () => ['../secret.bin']],
    ['./../ in the path', async () => ['./../secret.bin']],
    ['a deeper ../ path', async () => ['sub/../../secret.bin']],
    ['an absolute path', async ({ secret }) => [secret]],
    ['a backslash ..\\ path', async () => ['..\\secret.bin']],
    ['a file:// URL', async ({ secret }) => [`file://${secret}`]],
    [
      'a symbolic link leading out',
      async ({ dir, secret }) => {
        await symlink(secret, join(dir, 'link.bin'));
        return ['link.bin'];
      },
    ],
    [
      'a symbolic link to the parent directory',
      async ({ dir, outside }) => {
        await symlink(outside, join(dir, 'up'));
        return ['up/secret.bin'];
      },
    ],
  ];

  for (const [name, paths] of escapes) {
    it(`loadModel refuses ${name}, and never shows the secret`, async () => {
      const planted = await plant();
      await editManifestPaths(planted.dir, await paths(planted));
      expectNoLeak(await rejection(keras.models.loadModel(planted.dir)));
    });

    it(`loadWeights refuses ${name}, and leaves the model as it was`, async () => {
      const planted = await plant();
      await editManifestPaths(planted.dir, await paths(planted));
      const model = tinyModel();
      const before = model.getWeights().map((w) => Array.from(w.data));
      expectNoLeak(await rejection(model.loadWeights(join(planted.dir, 'model.json'))), model);
      expect(model.getWeights().map((w) => Array.from(w.data))).toEqual(before);
    });
  }

  it('a file listed twice is refused, before any read', async () => {
    const { dir } = await plant();
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const weights = json.weightsManifest[0].weights;
    json.weightsManifest = [
      { paths: ['weights.bin'], weights: weights.slice(0, 1) },
      { paths: ['./weights.bin'], weights: weights.slice(1) },
    ];
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    const error = await rejection(keras.models.loadModel(dir));
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as Error).message).toMatch(/paths\[1\]: the file is listed twice/);
  });

  it('a model.json that is the secret file is not JSON, and its bytes are not quoted', async () => {
    const { secret } = await plant();
    const error = await rejection(keras.models.loadModel(secret));
    expectNoLeak(error);
    expect((error as Error).message).toMatch(/secret\.bin: not valid JSON/);
  });

  it('a legitimate weights file in a subdirectory still loads', async () => {
    const { dir } = await plant();
    await mkdir(join(dir, 'shards'));
    await writeFile(join(dir, 'shards', 'w.bin'), await readFile(join(dir, 'weights.bin')));
    await editManifestPaths(dir, ['./shards/w.bin']);
    const model = await keras.models.loadModel(dir);
    expect(model.countParams()).toBe(16);
  });
});

describe('work stays bounded by the real file sizes', () => {
  it('a huge declared weight with a small weights.bin fails on the sizes, before allocating', async () => {
    const { dir } = await plant();
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    json.weightsManifest[0].weights[0].shape = [20000, 20000];
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    const error = await rejection(keras.models.loadModel(dir));
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as Error).message).toMatch(/expected 1600000016 bytes .* Received: 64 bytes/);
  });

  it('a topology of a few bytes that would build hundreds of MB of weights is refused before it is built', async () => {
    const { dir } = await plant();
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    json.modelTopology.config.layers[0].config.units = 40_000_000;
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    const error = await rejection(keras.models.loadModel(dir));
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as Error).message).toMatch(/modelTopology builds 160000000 weight values, but weightsManifest declares 16/);
  });

  it('deeply nested JSON is a FileFormatError, not a stack overflow', async () => {
    const { dir } = await plant();
    for (const depth of [65, 100_000]) {
      await writeFile(join(dir, 'model.json'), '['.repeat(depth) + ']'.repeat(depth));
      const error = await rejection(keras.models.loadModel(dir));
      expect(error).toBeInstanceOf(FileFormatError);
      expect((error as Error).message).toMatch(/nests deeper than 64 levels/);
    }
  });

  it('a named pipe as model.json or as weights file is a clear error, not a hang', async () => {
    const { dir } = await plant();
    execFileSync('mkfifo', [join(dir, 'pipe.bin')]);
    await editManifestPaths(dir, ['pipe.bin']);
    const error = await rejection(keras.models.loadModel(dir));
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as Error).message).toMatch(/pipe\.bin: the weights file .* must be a regular file. Received: a named pipe/);

    execFileSync('mkfifo', [join(dir, 'pipe.json')]);
    const jsonError = await rejection(keras.models.loadModel(join(dir, 'pipe.json')));
    expect((jsonError as Error).message).toMatch(/pipe\.json: the model\.json must be a regular file. Received: a named pipe/);
  });

  it('a directory or a device where a weights file should be is a clear error', async () => {
    const { dir } = await plant();
    await mkdir(join(dir, 'folder.bin'));
    await editManifestPaths(dir, ['folder.bin']);
    expect(((await rejection(keras.models.loadModel(dir))) as Error).message).toMatch(/must be a regular file. Received: a directory/);
    const device = await rejection(keras.models.loadModel('/dev/zero'));
    expect(device).toBeInstanceOf(TinykerasError);
    expect((device as Error).message).toMatch(/must be a regular file. Received: a device/);
  });
});
