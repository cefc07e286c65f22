/**
 * Names from files resolve only among known names: the names every
 * JavaScript object inherits ('constructor', '__proto__', 'toString') are
 * unknown names like any other in a file's trainingConfig and topology, as
 * from compile() (test/utils/hostile-names.test.ts). Loading hostile JSON
 * never changes Object.prototype.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { FileFormatError, TinykerasError, ValueError } from '../../src/errors.js';
import { useTempDir } from '../support/helpers.js';
import { getLoss } from '../../src/losses/index.js';

const INHERITED = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'toLocaleString'];
const root = useTempDir('hostile-names');
let counter = 0;

const model = () => new keras.Sequential([new keras.layers.Dense(2, { inputShape: [3] })]);
const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();
const before = prototypeKeys();

beforeEach(() => keras.utils.clearSession());
afterEach(() => {
  expect(prototypeKeys()).toEqual(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

/** A saved compiled model whose model.json is then changed by `edit`. */
async function savedThenEdited(edit: (json: any) => void): Promise<string> {
  const dir = join(root(), `m-${counter++}`);
  const m = model();
  m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['accuracy'] });
  await m.save(dir, { includeOptimizer: true });
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  edit(json);
  await writeFile(join(dir, 'model.json'), JSON.stringify(json));
  return dir;
}

async function loadError(dir: string): Promise<Error> {
  try {
    await keras.models.loadModel(dir);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected loadModel to fail');
}

describe('inherited names from a file', () => {
  for (const name of INHERITED) {
    it(`'${name}' as loss, metric, optimizer, layer class, activation, initializer or dtype`, async () => {
      const edits: ((json: any) => void)[] = [
        (j) => (j.trainingConfig.loss = name),
        (j) => (j.trainingConfig.metrics = [name]),
        (j) => (j.trainingConfig.optimizer_config.class_name = name),
        (j) => (j.modelTopology.config.layers[0].class_name = name),
        (j) => (j.modelTopology.config.layers[0].config.activation = name),
        (j) => (j.weightsManifest[0].weights[0].dtype = name),
      ];
      for (const edit of edits) {
        const error = await loadError(await savedThenEdited(edit));
        expect(error).toBeInstanceOf(TinykerasError);
        expect(error.message).not.toMatch(/is not a function|Cannot read|undefined/);
      }
      // A file initializer name is kept as written, and the model still loads and saves.
      const dir = await savedThenEdited((j) => (j.modelTopology.config.layers[0].config.kernel_initializer = { class_name: name, config: {} }));
      const loaded = await keras.models.loadModel(dir);
      await loaded.save(join(root(), `resaved-${counter++}`));
    });
  }
});

describe('prototype pollution', () => {
  it('__proto__ and constructor.prototype keys anywhere in model.json change nothing', async () => {
    const poison = { polluted: true };
    const dir = await savedThenEdited((j) => {
      const text = JSON.stringify(j);
      Object.assign(j, JSON.parse(text)); // no-op, keeps the shape
    });
    const path = join(dir, 'model.json');
    const json = JSON.parse(await readFile(path, 'utf8'));
    let text = JSON.stringify(json);
    // Insert "__proto__" and "constructor" members into every object of the file.
    text = text.replace(/\{/g, `{"__proto__":${JSON.stringify(poison)},"constructor":{"prototype":${JSON.stringify(poison)}},`).replace(/,\}/g, '}');
    await writeFile(path, text);
    try {
      await keras.models.loadModel(dir);
    } catch (error) {
      expect(error).toBeInstanceOf(TinykerasError);
    }
    try {
      await model().loadWeights(path);
    } catch (error) {
      expect(error).toBeInstanceOf(TinykerasError);
    }
    const memory = keras.io.fromMemory(JSON.parse(text));
    await keras.models.loadModel(memory).catch((error) => expect(error).toBeInstanceOf(TinykerasError));
  });

  it('a model.json with a top-level __proto__ holding a weightsManifest is not read through the prototype', async () => {
    const dir = await savedThenEdited(() => {});
    const path = join(dir, 'model.json');
    const json = JSON.parse(await readFile(path, 'utf8'));
    const manifest = json.weightsManifest;
    delete json.weightsManifest;
    // Written as text: assigning j.__proto__ would set the object's prototype, and JSON.stringify would drop it.
    await writeFile(path, JSON.stringify(json).replace(/^\{/, `{"__proto__":${JSON.stringify({ weightsManifest: manifest })},`));
    expect(await readFile(path, 'utf8')).toMatch(/^\{"__proto__":\{"weightsManifest":\[/);
    const error = await loadError(dir);
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/weightsManifest must be a list/);
  });
});
