/**
 * Saving is all or nothing: whatever write fails, the path holds the
 * previous model whole or the new one whole, and it loads. Concurrent saves
 * to one path never leave one model's model.json beside another's weights.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as keras from '../../src/index.js';
import { modelFileSystem } from '../../src/saving/model-files.js';
import { useTempDir, loadSequential } from '../support/helpers.js';

const root = useTempDir('hostile-saves');
let counter = 0;
const fresh = (name = 'model') => join(root(), `${name}-${counter++}`);

/** A small compiled model whose every weight equals `value`, so that which model a file holds is plain to see. */
function filled(value: number): keras.Sequential {
  const model = new keras.Sequential([new keras.layers.Dense(3, { inputShape: [2] }), new keras.layers.Dense(2)]);
  model.setWeights(model.getWeights().map((w) => keras.ops.full(w.shape, value)));
  model.compile({ optimizer: 'adam', loss: 'mse' });
  return model;
}

/** The single value every weight of `model` holds, or NaN when they differ (a torn model). */
function valueOf(model: keras.Sequential): number {
  const values = new Set(model.getWeights().flatMap((w) => Array.from(w.data)));
  return values.size === 1 ? [...values][0]! : NaN;
}

const injected = () => Object.assign(new Error('injected failure (disk full)'), { code: 'ENOSPC' });

beforeEach(() => keras.utils.clearSession());
afterEach(() => vi.restoreAllMocks());

/** The ways a save can be asked for, each with how to read back what it wrote. */
const kinds = [
  {
    name: 'save',
    path: () => fresh('model'),
    save: (m: keras.Sequential, p: string) => m.save(p, { includeOptimizer: true }),
    load: async (p: string) => valueOf(await loadSequential(p)),
  },
  {
    name: 'saveWeights',
    path: () => `${fresh('ckpt')}.weights.json`,
    save: (m: keras.Sequential, p: string) => m.saveWeights(p),
    load: async (p: string) => {
      const m = filled(0);
      await m.loadWeights(p);
      return valueOf(m);
    },
  },
];

describe('a failure at any write leaves a model that loads', () => {
  const steps: { step: keyof typeof modelFileSystem; survivor: 'old' | 'new' }[] = [
    { step: 'writeNewFile', survivor: 'old' },
    { step: 'writeFileAtomic', survivor: 'old' },
    { step: 'removeFile', survivor: 'new' },
  ];
  for (const kind of kinds) {
    for (const { step, survivor } of steps) {
      it(`${kind.name}: ${step} fails → the ${survivor} model loads, whole`, async () => {
        const path = kind.path();
        await kind.save(filled(1), path);
        await kind.save(filled(2), path); // the second save goes through the fresh-name path too
        vi.spyOn(modelFileSystem, step).mockRejectedValueOnce(injected());
        const attempt = kind.save(filled(3), path);
        if (survivor === 'old') await expect(attempt).rejects.toThrow(/injected failure/);
        else await attempt; // the new pair is in place; only a leftover could not be removed
        expect(await kind.load(path)).toBe(survivor === 'old' ? 2 : 3);
        // And the next save after the failure works and cleans up.
        await kind.save(filled(4), path);
        expect(await kind.load(path)).toBe(4);
      });
    }

    it(`${kind.name}: a weights write that dies half-way leaves the previous model`, async () => {
      const path = kind.path();
      await kind.save(filled(1), path);
      const real = modelFileSystem.writeNewFile;
      // Half the bytes reach the disk and the process "dies": no cleanup runs (a name already taken fails before writing).
      const spy = vi.spyOn(modelFileSystem, 'writeNewFile').mockImplementation(async (file, bytes) => {
        await real(file, bytes.subarray(0, bytes.length >> 1));
        throw injected();
      });
      await expect(kind.save(filled(2), path)).rejects.toThrow(/injected failure/);
      spy.mockRestore();
      expect(await kind.load(path)).toBe(1);
      await kind.save(filled(3), path);
      expect(await kind.load(path)).toBe(3);
    });
  }

  it('ModelCheckpoint: a failed checkpoint keeps the last good one', async () => {
    const dir = fresh('ckpt');
    const model = filled(0.5);
    const x = keras.random.uniform([8, 2]);
    const y = keras.random.uniform([8, 2]);
    let epochsDone = 0;
    const failOnSecond = {
      onEpochEnd: () => {
        if (++epochsDone === 2) vi.spyOn(modelFileSystem, 'writeFileAtomic').mockRejectedValueOnce(injected());
      },
    };
    const saved: number[][] = [];
    const record = { onEpochEnd: () => void saved.push(model.getWeights().flatMap((w) => Array.from(w.data))) };
    await expect(
      model.fit(x, y, { epochs: 3, verbose: 0, callbacks: [record, failOnSecond, new keras.callbacks.ModelCheckpoint(dir)] }),
    ).rejects.toThrow(/injected failure/);
    const loaded = await keras.models.loadModel(dir);
    expect(loaded.getWeights().flatMap((w) => Array.from(w.data))).toEqual(saved[0]);
  });
});

describe('concurrent saves to one path', () => {
  for (const kind of kinds) {
    it(`${kind.name}: 12 saves at once leave one whole model and one weights file`, async () => {
      const path = kind.path();
      await Promise.all(Array.from({ length: 12 }, (_, i) => kind.save(filled(i + 1), path)));
      const value = await kind.load(path);
      expect(value).toBe(12); // queued in call order: the last call wins
      const dir = join(path, kind.name === 'save' ? '' : '..');
      const bins = (await readdir(dir)).filter((f) => f.endsWith('.bin') && (kind.name === 'save' || f.startsWith(path.split('/').pop()!.replace('.weights.json', ''))));
      expect(bins).toHaveLength(1);
    });
  }

  it('loads interleaved with saves always see a whole model', async () => {
    const path = fresh();
    await filled(1).save(path);
    const loads: Promise<number>[] = [];
    const saves: Promise<unknown>[] = [];
    for (let i = 2; i <= 10; i++) {
      saves.push(filled(i).save(path));
      loads.push(loadSequential(path).then(valueOf));
    }
    await Promise.all(saves);
    for (const value of await Promise.all(loads)) expect(value).toBeGreaterThanOrEqual(1);
  });

  it('a previous model.json naming a file that is not ours: the file is left alone', async () => {
    const path = fresh();
    await filled(1).save(path);
    const json = JSON.parse(await readFile(join(path, 'model.json'), 'utf8'));
    await writeFile(join(path, 'notes.txt'), 'mine');
    json.weightsManifest[0].paths = ['weights.bin', '../notes.txt', 'notes.txt'];
    await writeFile(join(path, 'model.json'), JSON.stringify(json));
    await filled(2).save(path);
    expect(await readFile(join(path, 'notes.txt'), 'utf8')).toBe('mine');
    expect(valueOf(await loadSequential(path))).toBe(2);
  });
});

describe('a save that cannot write', () => {
  it('is a FileFormatError naming the path, and the previous model still loads', async () => {
    const path = fresh();
    await filled(1).save(path);
    vi.spyOn(modelFileSystem, 'writeFileAtomic').mockRejectedValueOnce(injected());
    const error = await filled(2).save(path).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(keras.FileFormatError);
    expect((error as Error).message).toMatch(/model\.json: could not save the model; whatever was saved there before is unchanged. Received: injected failure/);
    expect(valueOf(await loadSequential(path))).toBe(1);
  });

  it('a directory where model.json should go is a FileFormatError', async () => {
    const path = fresh();
    await (await import('node:fs/promises')).mkdir(join(path, 'model.json'), { recursive: true });
    const error = await filled(1).save(path).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(keras.FileFormatError);
    expect(await readdir(path)).toEqual(['model.json']); // the weights file written first was removed again
  });
});
