/**
 * IOHandlers: where saved models go and come from. A handler is any object
 * with `save(artifacts)` and/or `load()` (TF.js's IOHandler); `saveModel`
 * and `loadModel` also take a string and pick the handler from its scheme:
 *
 *     'downloads://name'   the browser downloads name.json and name.weights.bin
 *     'http(s)://…/model.json', 'indexeddb://name', 'localstorage://name'
 *                          browser-handlers.ts (also `io.browserFiles(files)`)
 *     'file://dir', 'dir'  files on disk, under Node (file-handler.ts)
 *
 * and `io.fromMemory(artifacts)` / `io.memory()` keep everything in memory,
 * which is also how to hand a model to or from TF.js without files.
 */
import { FileFormatError, RuntimeError, ValueError, describeValue } from '../errors.js';
import { BrowserFilesHandler, HTTPHandler, IndexedDBHandler, LocalStorageHandler } from './browser-handlers.js';
import { checkArtifacts, describeSave, joinBuffers, modelJSONFromArtifacts, type IOHandler, type ModelArtifacts, type SaveResult } from './artifacts.js';
import { jsonDepth, MAX_JSON_DEPTH } from '../utils/json.js';
import { isCallable } from '../utils/options.js';

/**
 * Keeps the artifacts in memory. `save` stores a copy and `load` returns a
 * copy, so later training of the model does not change what was saved.
 */
export class MemoryHandler implements IOHandler {
  private stored: ModelArtifacts | null;

  constructor(artifacts?: ModelArtifacts) {
    this.stored = artifacts === undefined ? null : copyArtifacts(checkArtifacts(artifacts, 'io.fromMemory()'));
  }

  /** The saved artifacts (a copy), or null before the first save. */
  get artifacts(): ModelArtifacts | null {
    return this.stored === null ? null : copyArtifacts(this.stored);
  }

  async save(artifacts: ModelArtifacts): Promise<SaveResult> {
    this.stored = copyArtifacts(checkArtifacts(artifacts, 'memory'));
    return describeSave(artifacts);
  }

  async load(): Promise<ModelArtifacts> {
    if (this.stored === null) throw new FileFormatError('memory', 'memory: nothing has been saved to this handler yet, so there is nothing to load.');
    return { ...copyArtifacts(this.stored), sources: { modelJSON: 'memory', weights: 'memory weightData' } };
  }
}

function copyArtifacts(artifacts: ModelArtifacts): ModelArtifacts {
  const { weightData, sources: _sources, ...json } = artifacts;
  let copy: ModelArtifacts;
  try {
    // A depth check first: structuredClone recurses, and JSON of any depth would exhaust the stack.
    if (jsonDepth(JSON.stringify(json) ?? '', MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw new Error(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    copy = structuredClone(json);
  } catch (error) {
    throw new ValueError(`io.memory: the model artifacts must be plain JSON data (objects, arrays, strings, numbers) besides weightData. Received: ${(error as Error).message}`);
  }
  if (weightData !== undefined) copy.weightData = joinBuffers(weightData).slice(0);
  return copy;
}

/**
 * Saves by making the browser download two files, as TF.js's
 * 'downloads://name' does: name.json (model.json, its manifest pointing at
 * ./name.weights.bin) and name.weights.bin. Needs a page (`document`).
 */
export class BrowserDownloads implements IOHandler {
  constructor(readonly name = 'model') {
    if (typeof name !== 'string' || name === '' || /[\\/]/.test(name)) {
      throw new ValueError(`downloads://: the name must be a plain file name without slashes. Received: name=${describeValue(name)}`);
    }
  }

  async save(artifacts: ModelArtifacts): Promise<SaveResult> {
    if (typeof document === 'undefined') {
      throw new RuntimeError(
        `downloads://${this.name}: browser downloads need a web page (there is no document here). ` +
          `Under Node, save to a directory path instead, for example model.save('./my-model').`,
      );
    }
    const weightsFile = `${this.name}.weights.bin`;
    const json = JSON.stringify(modelJSONFromArtifacts(artifacts, [`./${weightsFile}`]));
    download(new Blob([json], { type: 'application/json' }), `${this.name}.json`);
    download(new Blob([joinBuffers(artifacts.weightData)], { type: 'application/octet-stream' }), weightsFile);
    return describeSave(artifacts);
  }
}

/** Clicks a temporary link to `blob` with the download attribute: the browser saves it as `fileName`. */
function download(blob: Blob, fileName: string): void {
  const link = document.createElement('a');
  link.download = fileName;
  // The object URL is not revoked: the download starts asynchronously, and revoking early can cancel it.
  link.href = URL.createObjectURL(blob);
  link.click();
}

/**
 * Makes a handler for one URL scheme: `url` is the whole string given
 * (scheme included), `needs` the method the caller will use.
 */
export type SchemeRouter = (url: string, needs: 'save' | 'load', where: string) => IOHandler;

/**
 * The handlers by URL scheme ('downloads://' always; 'http://', 'https://',
 * 'indexeddb://', 'localstorage://' from browser-handlers.ts; 'file://'
 * from the Node platform), and the handler for plain paths, which only the
 * Node platform has. Entry points fill these in (see platform/services.ts),
 * so this module imports nothing platform-specific.
 */
const schemeRouters = new Map<string, SchemeRouter>([
  [
    'downloads://',
    (url, needs, where) => {
      if (needs === 'load') throw new ValueError(`${where}: downloads:// can only save; load the downloaded files from their path.`);
      return new BrowserDownloads(url.slice('downloads://'.length));
    },
  ],
  ['http://', (url) => new HTTPHandler(url)],
  ['https://', (url) => new HTTPHandler(url)],
  ['indexeddb://', (url) => new IndexedDBHandler(url.slice('indexeddb://'.length))],
  ['localstorage://', (url) => new LocalStorageHandler(url.slice('localstorage://'.length))],
]);
let pathRouter: ((path: string) => IOHandler) | null = null;

/** Registers the handler for URLs starting with `scheme` (lowercase, e.g. 'indexeddb://'). */
export function registerScheme(scheme: string, router: SchemeRouter): void {
  schemeRouters.set(scheme.toLowerCase(), router);
}

/** Registers the handler for plain paths (the Node file system). */
export function registerPathHandler(router: (path: string) => IOHandler): void {
  pathRouter = router;
}

/** The handler for a path or URL string, or the handler itself. `needs` is the method the caller will use. */
export function resolveHandler(pathOrHandler: string | IOHandler, needs: 'save' | 'load', where: string): IOHandler {
  if (typeof pathOrHandler !== 'string') {
    if (typeof pathOrHandler !== 'object' || pathOrHandler === null || typeof pathOrHandler[needs] !== 'function') {
      throw new ValueError(
        `${where}: expected a path, a URL such as 'downloads://name', or an IOHandler with a ${needs}() method. ` +
          `Received: ${describeValue(pathOrHandler)}`,
      );
    }
    return pathOrHandler;
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(pathOrHandler);
  // Where files are handled, a Keras file name is refused before a directory of that name is made.
  if (pathRouter !== null && (!scheme || scheme[0].toLowerCase() === 'file://')) refuseKerasFiles(pathOrHandler, needs, where);
  // file:// without a file system gets the same explanation as a plain path.
  if (scheme && !(scheme[0].toLowerCase() === 'file://' && pathRouter === null)) {
    const router = schemeRouters.get(scheme[0].toLowerCase());
    if (router) return router(pathOrHandler, needs, where);
    throw new ValueError(
      `${where}: unsupported URL scheme; tinykeras handles ${[...schemeRouters.keys()].join(', ')}` +
        `${pathRouter ? ' and plain paths' : ''} here. Received: '${pathOrHandler}'`,
    );
  }
  if (pathRouter === null) {
    throw new ValueError(
      `${where}: saving to or loading from a file path needs Node.js. In a browser use a URL such as ` +
        `'indexeddb://name', 'localstorage://name', 'downloads://name' or 'https://host/model.json', or an IOHandler ` +
        `such as io.browserFiles(files). Received: '${pathOrHandler}'`,
    );
  }
  return pathRouter(pathOrHandler);
}

/**
 * A path ending in .keras (Keras 3's zip) or .h5 (HDF5) names one of Keras's
 * files, which loadModel and model.save handle before they come here
 * (keras-format/keras-source.ts). Anything else given such a path (an
 * IOHandler wanted for it) is refused rather than made a directory of that
 * name, saying where Keras's files go.
 */
function refuseKerasFiles(path: string, needs: 'save' | 'load', where: string): void {
  const extension = /\.(keras|h5|hdf5)$/i.exec(path)?.[1]?.toLowerCase();
  if (extension === undefined) return;
  const format = extension === 'keras' ? "Keras 3's .keras zip format" : "Keras's HDF5 format";
  const message =
    needs === 'save'
      ? `${where}: '${path}' asks for ${format}, which this call does not write; model.save('model.keras') writes a whole model ` +
        `in Keras 3's format, and a path without that ending gets TensorFlow.js's layers-model directory. Received: path='${path}'`
      : `${where}: '${path}' is in ${format}, which this call does not read; keras.models.loadModel('${path}') reads a whole ` +
        `model from it. Received: path='${path}'`;
  throw new ValueError(message);
}

/** The handlers, under Keras/TF.js-style names (`keras.io`). */
export const io = {
  /** A handler holding `artifacts` in memory; load() returns them (TF.js's `tf.io.fromMemory`). */
  fromMemory: (artifacts: ModelArtifacts) => new MemoryHandler(artifacts),
  /** An empty in-memory handler: save to it, read `.artifacts`, load from it. */
  memory: () => new MemoryHandler(),
  /** A handler whose save() calls `saveFn` with the artifacts (TF.js's `tf.io.withSaveHandler`). */
  withSaveHandler: (saveFn: (artifacts: ModelArtifacts) => Promise<SaveResult | void> | SaveResult | void): IOHandler => {
    if (!isCallable(saveFn)) throw new ValueError(`io.withSaveHandler: expected a function called with the artifacts. Received: ${describeValue(saveFn)}`);
    return {
      async save(artifacts) {
        return (await saveFn(artifacts)) ?? describeSave(artifacts);
      },
    };
  },
  /** Downloads name.json and name.weights.bin in a browser (`'downloads://name'`). */
  browserDownloads: (name?: string) => new BrowserDownloads(name),
  /** Loads model.json and its weights files from an http(s) URL (TF.js's `tf.io.http`); `requestInit` goes to fetch. */
  http: (url: string, requestInit?: RequestInit) => new HTTPHandler(url, requestInit),
  /** Loads from files the user picked, model.json first (TF.js's `tf.io.browserFiles`). */
  browserFiles: (files: ArrayLike<File>) => new BrowserFilesHandler(files),
  /** Files on disk under Node (`'file://path'` or a plain path); a ValueError elsewhere. */
  fileSystem: (path: string) => {
    if (typeof path !== 'string') throw new ValueError(`io.fileSystem: expected a path string. Received: ${describeValue(path)}`);
    return resolveHandler(/^file:\/\//i.test(path) ? path : `file://${path}`, 'load', 'io.fileSystem');
  },
};
