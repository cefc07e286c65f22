/**
 * Writing a model as a pair of files, all or nothing, and safe against other
 * processes saving and loading the same path. model.json names its weights
 * file in the manifest, so the pair changes at one instant, when model.json
 * appears or is replaced:
 *
 *   the first save of a path (no model.json there yet):
 *     1. the weights go to `weights.bin` (created exclusively, flushed)
 *     2. model.json is created exclusively (a flushed temporary file, linked
 *        to the name only if the name is free)       ← the model appears here
 *        If another save created model.json first, this save drops its
 *        weights.bin and goes on as a later save.
 *
 *   every later save:
 *     1. the weights go to a name never used before, `weights.<16 hex>.bin`
 *        (created exclusively, flushed; removed again if the write fails)
 *     2. model.json is replaced atomically (temporary file, flush, rename),
 *        naming the new weights file          ← the new model takes over here
 *     3. the weights files the replaced model.json named are deleted, unless
 *        the live model.json (read again now) names them
 *
 * Why: a save may delete a name only once no model.json can name it again.
 * A later save's file has a fresh name, which only its own model.json names;
 * and `weights.bin` is named only by the model.json that first appears at a
 * path, so once that model.json is replaced, no save names `weights.bin`
 * again (while the path holds a model.json). A save therefore never deletes
 * what the live model.json names, and a load that re-reads model.json after
 * reading the weights (file-handler.ts) knows its pair is whole: model.json
 * unchanged means the weights it named were not replaced in between.
 * (Reusing a freed name whenever it is free, as this did before, let a slow
 * save delete the weights another save had just written under that name.)
 *
 * A failure before model.json appears or is replaced leaves the previous pair
 * untouched; a failure after it leaves the new pair whole (at worst an
 * unreferenced old weights file stays behind). Across processes the last
 * rename of model.json wins. Within one process, saves and loads of the same
 * model.json are also queued (`serialised`), so they run in call order.
 *
 * The writes go through `modelFileSystem`, which tests replace to inject a
 * failure, or a pause, at each step. Node only.
 */
import { errorCode } from '../io/messages.js';
import { removeFile, writeFileAtomic, writeNewFile } from '../io/node-files.js';

/** The file operations a save performs, one object so that tests can make each fail. */
export const modelFileSystem = {
  /** Creates `path`, which must not exist, with `bytes`, flushed; removes it again if anything fails. */
  writeNewFile: (path: string, bytes: Uint8Array): Promise<void> => writeNewFile(path, bytes),
  writeFileAtomic,
  /** Gives the file at `existing` the name `path` too, only if `path` is free (EEXIST otherwise): an exclusive, atomic create. */
  async linkNewName(existing: string, path: string): Promise<void> {
    const fs = await import('node:fs/promises');
    await fs.link(existing, path);
  },
  removeFile,
};

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `task` after every earlier task queued under `key` has settled, so
 * operations on one model.json happen one at a time within this process.
 */
export async function serialised<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.catch(() => {});
  queues.set(key, settled);
  try {
    return await run;
  } finally {
    if (queues.get(key) === settled) queues.delete(key);
  }
}

/**
 * Writes the pair (see the header): `weights` under `weightsName` for the
 * first save of `jsonPath`, else under a fresh variant of it, then
 * model.json as `jsonFor(chosenName)`, then deletes the weights files the
 * replaced model.json named that the live one does not (only files of our
 * own naming, in the same directory).
 */
export async function writeModelFiles(
  jsonPath: string,
  weightsName: string,
  weights: Uint8Array,
  jsonFor: (weightsFile: string) => string,
): Promise<void> {
  const nodePath = await import('node:path');
  const fs = await import('node:fs/promises');
  const dir = nodePath.dirname(jsonPath);
  await fs.mkdir(dir, { recursive: true });
  if ((await fs.stat(jsonPath).catch(() => null)) === null && (await writeFirstModelFiles(jsonPath, nodePath.join(dir, weightsName), weights, jsonFor(weightsName)))) return;

  const previous = await weightsFilesNamedBy(jsonPath, weightsName);
  const chosen = await writeFreshWeightsFile(dir, weightsName, weights);
  try {
    await modelFileSystem.writeFileAtomic(jsonPath, jsonFor(chosen));
  } catch (error) {
    await modelFileSystem.removeFile(nodePath.join(dir, chosen)).catch(() => {});
    throw error;
  }
  // Read again: what the live model.json names stays, whatever `previous` said.
  const live = new Set(await weightsFilesNamedBy(jsonPath, weightsName));
  for (const old of previous) {
    // The save is complete; a leftover old file costs disk space, not correctness.
    if (old !== chosen && !live.has(old)) await modelFileSystem.removeFile(nodePath.join(dir, old)).catch(() => {});
  }
}

/**
 * The first save of a path: `weightsPath` and then model.json, each created
 * only where its name is free. False (nothing left behind) when either name
 * was taken: another save got there first, and this one is a later save.
 */
async function writeFirstModelFiles(jsonPath: string, weightsPath: string, weights: Uint8Array, json: string): Promise<boolean> {
  const crypto = await import('node:crypto');
  try {
    await modelFileSystem.writeNewFile(weightsPath, weights);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  const tempPath = `${jsonPath}.${crypto.randomBytes(8).toString('hex')}.tmp`;
  try {
    await modelFileSystem.writeNewFile(tempPath, new TextEncoder().encode(json));
    await modelFileSystem.linkNewName(tempPath, jsonPath);
    return true;
  } catch (error) {
    await modelFileSystem.removeFile(weightsPath).catch(() => {});
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await modelFileSystem.removeFile(tempPath).catch(() => {});
  }
}

/** Writes `weights` beside model.json under `weightsName` with a random 16-hex-digit token, a name never used before; returns the name. */
async function writeFreshWeightsFile(dir: string, weightsName: string, weights: Uint8Array): Promise<string> {
  const nodePath = await import('node:path');
  const crypto = await import('node:crypto');
  for (let attempt = 0; ; attempt++) {
    const name = weightsName.replace(/\.bin$/, `.${crypto.randomBytes(8).toString('hex')}.bin`);
    try {
      await modelFileSystem.writeNewFile(nodePath.join(dir, name), weights);
      return name;
    } catch (error) {
      if (errorCode(error) !== 'EEXIST' || attempt >= 8) throw error;
    }
  }
}

/**
 * The weights files the current model.json at `jsonPath` names that a save
 * may delete once it is replaced: plain names in the same directory, of the
 * form `weightsName` or its `.<hex>.bin` variants (8 hex digits from earlier
 * versions, 16 now). Anything else a model.json
 * lists (a TF.js shard, a file of the user's) is never deleted.
 */
async function weightsFilesNamedBy(jsonPath: string, weightsName: string): Promise<string[]> {
  const fs = await import('node:fs/promises');
  const stem = weightsName.replace(/\.bin$/, '');
  const ours = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\.[0-9a-f]{8}|\\.[0-9a-f]{16})?\\.bin$`);
  try {
    const stats = await fs.stat(jsonPath);
    if (!stats.isFile() || stats.size > 64 << 20) return [];
    const json = JSON.parse(await fs.readFile(jsonPath, 'utf8'));
    const paths: unknown[] = (json?.weightsManifest ?? []).flatMap((group: { paths?: unknown }) => (Array.isArray(group?.paths) ? group.paths : []));
    return paths
      .map((p) => (typeof p === 'string' && p.startsWith('./') ? p.slice(2) : p))
      .filter((p): p is string => typeof p === 'string' && ours.test(p));
  } catch {
    return []; // no model.json yet, or not ours to read: nothing to delete
  }
}
