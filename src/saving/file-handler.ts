/**
 * The Node file handler: a model as files on disk, in the layout tfjs-node
 * writes and reads.
 *
 *     model.save('my-model')           →  my-model/model.json + my-model/weights.bin
 *     model.save('my-model/model.json')   the same
 *     model.save('net.json')           →  net.json + net.weights.bin
 *     model.saveWeights('w.weights.json') →  w.weights.json + w.weights.bin
 *
 * `file://` in front of any of these is accepted and dropped. Loading takes
 * the directory or the .json file, and finds the binary files through the
 * manifest's `paths`, relative to the .json file's directory.
 *
 * A save replaces the pair of files all or nothing (model-files.ts): the
 * weights go to a file no model.json names yet, then the .json is renamed
 * into place naming it. Loading confines the weights files to the model's
 * directory (weight-paths.ts) and checks every size before reading. Node modules are loaded inside the functions (dynamic
 * import), so merely importing tinykeras in a browser does not fail.
 */
import { describeValue, FileFormatError, TinykerasError, ValueError } from '../errors.js';
import { readRegularFile, statRegularFile } from '../io/node-bounded-files.js';
import { messageOf } from '../io/messages.js';
import { isNode, pathKind } from '../io/node-files.js';
import { serialised, writeModelFiles } from './model-files.js';
import { confinedWeightPaths, type WeightFile } from './weight-paths.js';
import { byteCountMessage, manifestByteLength } from './weights-bin.js';
import { describeSave, joinBuffers, MAX_MODEL_JSON_BYTES, modelJSONFromArtifacts, parseModelJSON, type IOHandler, type ModelArtifacts, type SaveResult } from './artifacts.js';

export class FileHandler implements IOHandler {
  /** The path as given, without a `file://` prefix. */
  readonly path: string;

  constructor(path: string) {
    if (typeof path !== 'string') throw new ValueError(`io.fileSystem: expected a path string. Received: ${describeValue(path)}`);
    if (!isNode()) {
      throw new ValueError(
        `Saving to or loading from a path needs Node.js. In a browser use 'downloads://name' to save, ` +
          `or an IOHandler such as io.fromMemory(artifacts). Received: path='${path}'`,
      );
    }
    this.path = path.startsWith('file://') ? path.slice('file://'.length) : path;
    if (this.path === '') throw new ValueError(`A file path must not be empty. Received: path='${path}'`);
  }

  async save(artifacts: ModelArtifacts): Promise<SaveResult> {
    const bytes = new Uint8Array(joinBuffers(artifacts.weightData));
    // Queued before the first await, so that saves to one path run in the order they were called.
    let jsonPath = this.path;
    try {
      await serialised(queueKey(this.path), async () => {
        const layout = await this.layout();
        jsonPath = layout.jsonPath;
        const { weightsFile } = layout;
        await writeModelFiles(jsonPath, weightsFile, bytes, (chosen) => JSON.stringify(modelJSONFromArtifacts(artifacts, [chosen])));
      });
    } catch (error) {
      if (error instanceof TinykerasError) throw error;
      throw new FileFormatError(
        jsonPath,
        `${jsonPath}: could not save the model; whatever was saved there before is unchanged. Received: ${messageOf(error)}`,
        { cause: error },
      );
    }
    return describeSave(artifacts);
  }

  /**
   * Reads the pair, then model.json once more: unchanged, it still names the
   * weights just read, so they belong to it (model-files.ts says why). A save
   * in another process may replace model.json meanwhile, and even delete the
   * weights it named: then the new pair is read, so a load racing saves
   * returns one of the saved models, whole, never one save's model.json with
   * another's weights.
   */
  async load(): Promise<ModelArtifacts> {
    return serialised(queueKey(this.path), async () => {
      for (let attempt = 1; ; attempt++) {
        const seen = { modelJSON: null as string | null, path: '' };
        let artifacts: ModelArtifacts;
        try {
          artifacts = await this.read(seen);
        } catch (error) {
          const replaced = seen.modelJSON !== null && (await readModelJSONText(seen.path)) !== seen.modelJSON;
          if (error instanceof FileFormatError && replaced && attempt < MAX_LOAD_ATTEMPTS) continue;
          throw error;
        }
        if ((await readModelJSONText(seen.path)) === seen.modelJSON) return artifacts;
        if (attempt >= MAX_LOAD_ATTEMPTS) {
          throw new FileFormatError(seen.path, `${seen.path}: model.json was replaced by another save while it was read, ${attempt} times in a row; try again once the saves are done.`);
        }
      }
    });
  }

  /** Reads model.json and its weights files, every path and size checked before the weights are read; `seen` gets model.json's text. */
  private async read(seen: { modelJSON: string | null; path: string }): Promise<ModelArtifacts> {
    const nodePath = await import('node:path');
    const kind = await pathKind(this.path);
    if (kind === 'missing') throw new FileFormatError(this.path, `${this.path}: no such file or directory; expected a model directory or its model.json.`);
    const jsonPath = kind === 'directory' ? nodePath.join(this.path, 'model.json') : this.path;
    if (kind === 'directory' && (await pathKind(jsonPath)) === 'missing') {
      throw new FileFormatError(jsonPath, `${jsonPath}: no such file; a saved model directory holds model.json and weights.bin.`);
    }
    const text = new TextDecoder().decode(await readRegularFile(jsonPath, { maxBytes: MAX_MODEL_JSON_BYTES, role: 'model.json' }));
    Object.assign(seen, { modelJSON: text, path: jsonPath });
    const { artifacts, groups } = parseModelJSON(text, jsonPath);

    // Every path is confined to the model's directory and every size known before a byte of weights is read.
    const files = await confinedWeightPaths(groups.flatMap((g) => g.paths), jsonPath);
    const expected = manifestByteLength(artifacts.weightSpecs ?? [], jsonPath);
    const role = `weights file listed in ${jsonPath}'s weightsManifest`;
    const sizes: number[] = [];
    for (const file of files) sizes.push(await statRegularFile(file.real, { maxBytes: Infinity, role }).catch(renameError(file)));
    const total = sizes.reduce((a, b) => a + b, 0);
    const weightsSource = files.map((f) => f.path).join(' + ');
    if (total !== expected) throw new FileFormatError(files[0]?.path ?? jsonPath, byteCountMessage(weightsSource, expected, artifacts.weightSpecs?.length ?? 0, total));
    const buffers: ArrayBuffer[] = [];
    for (const [i, file] of files.entries()) {
      const bytes = await readRegularFile(file.real, { maxBytes: sizes[i]!, role }).catch(renameError(file));
      buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    }
    artifacts.weightData = buffers;
    artifacts.sources = { modelJSON: jsonPath, weights: weightsSource };
    return artifacts;
  }

  /** Where model.json and the weights file go for this path (see the table above). */
  private async layout(): Promise<{ jsonPath: string; weightsFile: string }> {
    const nodePath = await import('node:path');
    const base = nodePath.basename(this.path);
    if (!base.endsWith('.json')) {
      if ((await pathKind(this.path)) === 'file') {
        throw new ValueError(`save(): '${this.path}' is a file; give a directory for model.json and weights.bin, or a path ending in .json.`);
      }
      return { jsonPath: nodePath.join(this.path, 'model.json'), weightsFile: 'weights.bin' };
    }
    if (base === 'model.json') return { jsonPath: this.path, weightsFile: 'weights.bin' };
    const stem = base.slice(0, -'.json'.length).replace(/\.weights$/, '');
    return { jsonPath: this.path, weightsFile: `${stem}.weights.bin` };
  }
}


/** How often a load reads the pair again when saves elsewhere keep replacing it: a few saves racing one load, with room. */
const MAX_LOAD_ATTEMPTS = 8;

/** model.json's text now, or null when it cannot be read (the load's own error stands then). */
async function readModelJSONText(jsonPath: string): Promise<string | null> {
  try {
    return new TextDecoder().decode(await readRegularFile(jsonPath, { maxBytes: MAX_MODEL_JSON_BYTES, role: 'model.json' }));
  } catch {
    return null;
  }
}

/** Errors about a weights file name the path as listed, not the real path it resolved to. */
function renameError(file: WeightFile) {
  return (error: unknown): never => {
    if (error instanceof FileFormatError && file.real !== file.path) {
      throw new FileFormatError(file.path, error.message.split(file.real).join(file.path));
    }
    throw error;
  };
}

/**
 * The key under which operations on one saved model are queued, computed
 * without awaiting anything (so that the queue keeps call order): the
 * absolute path with '.', '..' and repeated slashes resolved, and a final
 * '/model.json' dropped, so 'm', './m/' and 'm/model.json' share a queue.
 */
function queueKey(path: string): string {
  const absolute = path.startsWith('/') ? path : `${process.cwd()}/${path}`;
  const parts: string[] = [];
  for (const part of absolute.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  if (parts[parts.length - 1] === 'model.json') parts.pop();
  return `/${parts.join('/')}`;
}
