/**
 * Errors never quote a file's content beyond a short, escaped excerpt of a
 * name: a 20 MiB layer name or class name, a model.json that is a JSON
 * string, control characters in a name.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { excerpt, FileFormatError } from '../../src/errors.js';
import { failure, useTempDir } from '../support/helpers.js';

describe('what load errors quote of a file', () => {
  const dir = useTempDir('excerpts');

  async function savedJson(name: string): Promise<{ path: string; json: any }> {
    const path = join(dir(), name);
    await new keras.Sequential([new keras.layers.Dense(2, { inputShape: [3] })]).save(path);
    return { path, json: JSON.parse(await readFile(join(path, 'model.json'), 'utf8')) };
  }

  it.each([
    ['a 20 MiB layer name', (json: any) => (json.modelTopology.config.layers[0].config.name = 'n'.repeat(20 << 20))],
    ['a 20 MiB class name', (json: any) => (json.modelTopology.config.layers[0].class_name = 'C'.repeat(20 << 20))],
    ['a 20 MiB weight name listed twice', (json: any) => {
      const big = 'w'.repeat(20 << 20);
      json.weightsManifest[0].weights[0].name = big;
      json.weightsManifest[0].weights[1].name = big;
    }],
  ])('%s: a FileFormatError or ValueError of a few hundred characters', async (what, edit) => {
    const { path, json } = await savedJson(what.replace(/\W+/g, '-'));
    edit(json);
    await writeFile(join(path, 'model.json'), JSON.stringify(json));
    const error = await failure(() => keras.models.loadModel(path));
    expect(error).toBeInstanceOf(keras.TinykerasError);
    expect(error.message.length).toBeLessThan(1000);
    expect(error.message).toMatch(/\(20971520 characters\)/);
  });

  it('a model.json that is a JSON string is described by its kind and length, not quoted', async () => {
    const { path } = await savedJson('string');
    await writeFile(join(path, 'model.json'), JSON.stringify('secret '.repeat(200)));
    const error = await failure(() => keras.models.loadModel(path));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toMatch(/Received: a JSON string of 1400 characters$/);
    expect(error.message).not.toMatch(/secret/);
  });

  it('excerpt escapes control characters and quotes, and cuts long text', () => {
    expect(excerpt("a'b\\c\n\u001b[31m")).toBe("'a\\'b\\\\c\\u000a\\u001b[31m'");
    expect(excerpt('x'.repeat(100), 10)).toBe("'xxxxxxxxxx…' (100 characters)");
  });
});
