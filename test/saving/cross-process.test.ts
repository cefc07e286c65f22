/**
 * Saves and loads of one path from several processes at once
 * (src/saving/model-files.ts): every save succeeds and leaves a folder that
 * loads, and no load returns one save's model.json with another save's
 * weights. Checked with real processes racing (loads among them), and with
 * the orderings of saves that used to break, forced through the
 * file-operation hooks.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { modelFileSystem, writeModelFiles } from '../../src/saving/model-files.js';
import { useTempDir } from '../support/helpers.js';

const run = promisify(execFile);
const PROCESS = resolve(__dirname, 'fixtures/save-race-process.ts');

interface Outcome {
  ok: number;
  mixed: number;
  errors: string[];
}

async function raceProcess(...args: string[]): Promise<Outcome> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', PROCESS, ...args], { timeout: 240_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Outcome;
}

/** The model.json written by a save that names `weightsFile` and holds `value` (a stand-in for jsonFor). */
const jsonNaming = (value: number) => (weightsFile: string) => JSON.stringify({ value, weightsManifest: [{ paths: [weightsFile], weights: [] }] });

async function namedWeights(dir: string): Promise<string> {
  return JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')).weightsManifest[0].paths[0];
}

describe('saves and loads of one path in several processes', () => {
  const dir = useTempDir('cross-process');

  it('real processes racing: 3 savers and 2 loaders; every save succeeds, every load is one whole model, the folder loads after', async () => {
    const path = join(dir(), 'race');
    await mkdir(path);
    const outcomes = await Promise.all([
      raceProcess('save', path, '1', '25'),
      raceProcess('save', path, '2', '25'),
      raceProcess('save', path, '3', '25'),
      raceProcess('load', path, '40'),
      raceProcess('load', path, '40'),
    ]);
    const [s1, s2, s3, l1, l2] = outcomes as [Outcome, Outcome, Outcome, Outcome, Outcome];
    expect([s1, s2, s3].map((s) => [s.ok, s.errors])).toEqual([[25, []], [25, []], [25, []]]);
    for (const load of [l1, l2]) {
      expect(load.mixed).toBe(0);
      // A load may find no model.json yet (before the first save): a clean FileFormatError, never anything else.
      for (const error of load.errors) expect(error).toMatch(/^FileFormatError: /);
      expect(load.ok + load.errors.length).toBe(40);
    }
    const final = await raceProcess('load', path, '1');
    expect(final).toEqual({ ok: 1, mixed: 0, errors: [] });
    // Old weights files are gone: the live one, perhaps leftovers of saves that lost, never more than a few.
    const bins = (await readdir(path)).filter((f) => f.endsWith('.bin'));
    expect(bins).toContain(await namedWeights(path));
  });
});

describe('forced orderings of saves', () => {
  const dir = useTempDir('orderings');
  const real = { ...modelFileSystem };
  afterEach(() => Object.assign(modelFileSystem, real));

  /** A gate: `wait()` blocks until `open()`. */
  function gate() {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { wait: () => opened, open };
  }

  it('a save paused around its rename never deletes what a later save named', async () => {
    // The ordering that broke: B reads the live file list (weights.bin) and pauses before its rename;
    // E saves whole, deleting weights.bin; B renames and pauses before deleting weights.bin; D saves
    // whole (weights.bin was free, and used to be taken again); then B deletes weights.bin.
    const path = join(dir(), 'paused-saves');
    const json = join(path, 'model.json');
    await writeModelFiles(json, 'weights.bin', new Uint8Array([1]), jsonNaming(1));
    expect(await namedWeights(path)).toBe('weights.bin');
    const beforeRename = gate();
    const beforeDelete = gate();
    let renamed = false;
    modelFileSystem.writeFileAtomic = async (file: string, contents: Uint8Array | string) => {
      if (String(contents).includes('"value":2')) {
        await beforeRename.wait();
        await real.writeFileAtomic(file, contents);
        renamed = true;
        return;
      }
      return real.writeFileAtomic(file, contents);
    };
    modelFileSystem.removeFile = async (file: string) => {
      if (renamed && file.endsWith('/weights.bin')) await beforeDelete.wait();
      return real.removeFile(file);
    };
    const b = writeModelFiles(json, 'weights.bin', new Uint8Array([2]), jsonNaming(2));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await writeModelFiles(json, 'weights.bin', new Uint8Array([5]), jsonNaming(5)); // E
    beforeRename.open();
    await expect.poll(() => renamed).toBe(true);
    await writeModelFiles(json, 'weights.bin', new Uint8Array([4]), jsonNaming(4)); // D
    beforeDelete.open();
    await b;
    const live = await namedWeights(path);
    expect(JSON.parse(await readFile(json, 'utf8')).value).toBe(4);
    expect(Array.from(await readFile(join(path, live)))).toEqual([4]);
  });

  it('two first saves at once: one makes model.json with weights.bin, the other becomes a later save; both succeed', async () => {
    const path = join(dir(), 'two-first');
    const paused = gate();
    let pausedOnce = false;
    modelFileSystem.linkNewName = async (from: string, to: string) => {
      if (!pausedOnce) {
        pausedOnce = true;
        await paused.wait();
      }
      return real.linkNewName(from, to);
    };
    const first = writeModelFiles(join(path, 'model.json'), 'weights.bin', new Uint8Array([1]), jsonNaming(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = writeModelFiles(join(path, 'model.json'), 'weights.bin', new Uint8Array([2]), jsonNaming(2));
    await second;
    paused.open();
    await first;
    const live = await namedWeights(path);
    const value = JSON.parse(await readFile(join(path, 'model.json'), 'utf8')).value as number;
    expect(Array.from(await readFile(join(path, live)))).toEqual([value]);
  });
});
