/**
 * Writing a model as a pair of files, all or nothing. model.json names its
 * weights file in the manifest, so the pair changes at one instant, the
 * atomic rename of model.json:
 *
 *     1. the new weights go to a file no model.json names yet: `weights.bin`
 *        when that name is free, else `weights.<8 hex digits>.bin` (created
 *        exclusively, flushed; removed again if the write fails)
 *     2. model.json is replaced atomically (temporary file, flush, rename),
 *        naming the new weights file          ← the new model takes over here
 *     3. the weights file(s) the replaced model.json named are deleted
 *
 * A failure before step 2 completes leaves the previous pair untouched; a
 * failure after it leaves the new pair whole (at worst an unreferenced old
 * weights file stays behind). Step 1 never touches a file the current
 * model.json names, so a reader sees the old pair or the new pair.
 *
 * Within one process, saves and loads of the same model.json are queued
 * (`serialised`), so concurrent saves never interleave. Across processes
 * each save writes its own weights file and the last rename of model.json
 * wins: the path always holds one complete model, but a load in another
 * process can fail (with a FileFormatError, never a mixed model) if a save
 * deletes the weights file it was about to read.
 *
 * The writes go through `modelFileSystem`, which tests replace to inject a
 * failure at each step. Node only.
 */
import { errorCode } from '../io/messages.js';
import { removeFile, writeFileAtomic, writeNewFile } from '../io/node-files.js';

/** The file operations a save performs, one object so that tests can make each fail. */
export const modelFileSystem = {
  /** Creates `path`, which must not exist, with `bytes`, flushed; removes it again if anything fails. */
  writeNewFile: (path: string, bytes: Uint8Array): Promise<void> => writeNewFile(path, bytes),
  writeFileAtomic,
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
 * Writes the pair: `weights` under `weightsName` (or a fresh variant of it)
 * beside `jsonPath`, then model.json as `jsonFor(chosenName)`, then deletes
 * the weights files the replaced model.json named (only files of our own
 * naming, in the same directory).
 */
export async function writeModelFiles(
  jsonPath: string,
  weightsName: string,
  weights: Uint8Array,
  jsonFor: (weightsFile: string) => string,
): Promise<void> {
  const nodePath = await import('node:path');
  const fs = await import('node:fs/promises');
  const crypto = await import('node:crypto');
  const dir = nodePath.dirname(jsonPath);
  await fs.mkdir(dir, { recursive: true });
  const previous = await weightsFilesNamedBy(jsonPath, weightsName);

  let chosen = weightsName;
  for (let attempt = 0; ; attempt++) {
    try {
      await modelFileSystem.writeNewFile(nodePath.join(dir, chosen), weights);
      break;
    } catch (error) {
      if (errorCode(error) !== 'EEXIST' || attempt >= 8) throw error;
      chosen = weightsName.replace(/\.bin$/, `.${crypto.randomBytes(4).toString('hex')}.bin`);
    }
  }
  try {
    await modelFileSystem.writeFileAtomic(jsonPath, jsonFor(chosen));
  } catch (error) {
    await modelFileSystem.removeFile(nodePath.join(dir, chosen)).catch(() => {});
    throw error;
  }
  for (const old of previous) {
    // The save is complete; a leftover old file costs disk space, not correctness.
    if (old !== chosen) await modelFileSystem.removeFile(nodePath.join(dir, old)).catch(() => {});
  }
}

/**
 * The weights files the current model.json at `jsonPath` names that a save
 * may delete once it is replaced: plain names in the same directory, of the
 * form `weightsName` or its `.<hex>.bin` variants. Anything else a model.json
 * lists (a TF.js shard, a file of the user's) is never deleted.
 */
async function weightsFilesNamedBy(jsonPath: string, weightsName: string): Promise<string[]> {
  const fs = await import('node:fs/promises');
  const stem = weightsName.replace(/\.bin$/, '');
  const ours = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\.[0-9a-f]{8})?\\.bin$`);
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
