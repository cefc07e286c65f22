/**
 * The browser's model storage, with TF.js's URL schemes and storage layout
 * (so a model saved by TF.js in the same page loads here, and back):
 *
 *     'https://host/path/model.json'  load: model.json, then each weights file its
 *                                     manifest lists, relative to model.json's URL
 *     'indexeddb://name'              IndexedDB database 'tensorflowjs', stores
 *                                     'models_store' and 'model_info_store', key name
 *     'localstorage://name'           localStorage keys tensorflowjs_models/name/{info,
 *                                     topology, weight_specs, weight_data (base64),
 *                                     model_metadata}
 *     io.browserFiles([json, ...bins]) load: files a user picked (<input type=file>)
 *
 * Whatever the source, loading goes through parseModelJSON, so a model read
 * from a server or a browser store is checked exactly like one read from
 * disk (weights paths relative to model.json, no '..'). Nothing here is
 * Node-specific; the HTTP handler also works in Node ≥ 18 (global fetch).
 */
import { FileFormatError, RuntimeError, ValueError, describeValue, excerpt } from '../errors.js';
import { weightPathProblem } from './weight-path-rules.js';
import { byteCountMessage, manifestByteLength } from './weights-bin.js';
import { MAX_JSON_DEPTH, parseJSONFile, valueDepth } from '../utils/json.js';
import { checkDeadlineOptions, deadline as loadDeadline, describeStop } from '../utils/deadline.js';
import { kerasFileFormat, type KerasFile } from './keras-format/file-format.js';

/** 2 minutes: far longer than any model this engine trains takes to load over a working connection. */
const DEFAULT_LOAD_TIMEOUT_MS = 120_000;
import {
  describeSave,
  joinBuffers,
  MAX_MODEL_JSON_BYTES,
  modelJSONFromArtifacts,
  parseModelJSON,
  type HandlerLoadOptions,
  type IOHandler,
  type ModelArtifacts,
  type SaveResult,
  type WeightsGroup,
} from './artifacts.js';

/** Loads model.json from an http(s) URL and its weights files from beside it. */
export class HTTPHandler implements IOHandler {
  constructor(
    readonly url: string,
    private readonly requestInit: RequestInit = {},
  ) {
    if (typeof url !== 'string' || !/^https?:\/\/[^/]/i.test(url)) throw new ValueError(`http(s) handler: expected an http:// or https:// URL. Received: ${describeValue(url)}`);
  }

  /**
   * model.json, then each weights file its manifest lists. The whole load has
   * one deadline (`timeoutMs`, 2 minutes by default) and stops when any
   * signal given (options, requestInit) aborts. Redirects are followed only
   * where the rules for the first URL still hold at the last one: model.json
   * stays on its origin, a weights file stays beside model.json.
   */
  async load(options: HandlerLoadOptions = {}): Promise<ModelArtifacts> {
    checkDeadlineOptions(options, this.url);
    const deadline = loadDeadline(options.timeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS, [options.signal, this.requestInit.signal]);
    try {
      return await this.loadWithin(deadline);
    } finally {
      deadline.done();
    }
  }

  private async loadWithin(deadline: LoadDeadline): Promise<ModelArtifacts> {
    const modelOrigin = new URL(this.url).origin;
    const sameOrigin = (final: URL) => (final.origin === modelOrigin ? null : `it was redirected to another origin, ${final.origin}`);
    const modelJSON = await this.fetchBytes(this.url, 'model.json', MAX_MODEL_JSON_BYTES, deadline, sameOrigin);
    const { artifacts, groups } = parseModelJSON(new TextDecoder().decode(modelJSON.bytes), this.url);
    // Weights paths are relative to where model.json really is (after a redirect within its origin), as a browser resolves links.
    const urls = weightPaths(groups, this.url).map((path) => new URL(path, modelJSON.url));
    // The resolved URL must still lie beside model.json: the same origin, under its directory.
    const directory = new URL('./', modelJSON.url);
    const isOutside = (url: URL) => url.origin !== directory.origin || !url.pathname.startsWith(directory.pathname);
    const outside = urls.find(isOutside);
    if (outside) {
      throw new FileFormatError(this.url, `${this.url}: a weightsManifest path resolves outside the model's directory ${directory.href}. Received: ${outside.href}`);
    }
    // No more bytes are fetched than the manifest declares (plus one, to tell a longer file).
    let budget = manifestByteLength(artifacts.weightSpecs ?? [], this.url);
    const weightData: ArrayBuffer[] = [];
    for (const url of urls) {
      const beside = (final: URL) => (isOutside(final) ? `it was redirected outside the model's directory ${directory.href}, to ${final.href}` : null);
      const { bytes } = await this.fetchBytes(url.href, `a weights file listed in ${this.url}`, budget + 1, deadline, beside);
      budget = Math.max(0, budget - bytes.byteLength);
      weightData.push(bytes);
    }
    artifacts.weightData = weightData;
    artifacts.sources = { modelJSON: this.url, weights: urls.map((url) => url.href).join(' + ') };
    return artifacts;
  }

  /**
   * The whole file at the URL, for loadModel to read as a `.keras` or `.h5`
   * file (by its first bytes); null for a URL ending in .json, a model.json.
   * At most `maxBytes`, within the same deadline and origin rules as load().
   */
  async loadKerasFile(options: HandlerLoadOptions, maxBytes: number): Promise<KerasFile | null> {
    if (new URL(this.url).pathname.toLowerCase().endsWith('.json')) return null;
    checkDeadlineOptions(options, this.url);
    const deadline = loadDeadline(options.timeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS, [options.signal, this.requestInit.signal]);
    try {
      const origin = new URL(this.url).origin;
      const sameOrigin = (final: URL) => (final.origin === origin ? null : `it was redirected to another origin, ${final.origin}`);
      const { bytes } = await this.fetchBytes(this.url, 'the model file', maxBytes, deadline, sameOrigin);
      return { bytes: new Uint8Array(bytes), name: this.url };
    } finally {
      deadline.done();
    }
  }

  async save(): Promise<SaveResult> {
    throw new ValueError(
      `${this.url}: tinykeras loads from http(s) URLs but does not upload to them. Save to 'indexeddb://name', ` +
        `'localstorage://name' or 'downloads://name', or use io.withSaveHandler to send the artifacts yourself.`,
    );
  }

  /**
   * The body at `url`, read up to `maxBytes`: a larger one is an error once
   * that many bytes have come, not read whole. `refuseFinal` judges the URL
   * the response really came from (after redirects): a sentence refuses it.
   */
  private async fetchBytes(
    url: string,
    what: string,
    maxBytes: number,
    deadline: LoadDeadline,
    refuseFinal: (final: URL) => string | null,
  ): Promise<{ bytes: ArrayBuffer; url: string }> {
    const tooLarge = (received: string) =>
      new FileFormatError(url, `${url}: ${what} is larger than it can be; expected at most ${maxBytes} bytes. Received: ${received}`);
    try {
      const response = await fetch(url, { ...this.requestInit, signal: deadline.signal });
      // response.url is empty for a response made by hand (a test's or a service worker's): then nothing was redirected.
      const finalUrl = response.url === '' ? url : response.url;
      const refused = refuseFinal(new URL(finalUrl));
      if (refused !== null) {
        await response.body?.cancel();
        throw new FileFormatError(url, `${url}: ${what} was not loaded: ${refused}.`);
      }
      if (!response.ok) throw new FileFormatError(url, `${url}: cannot fetch ${what}: the server answered HTTP ${response.status} ${shortText(response.statusText)}.`);
      const declared = Number(response.headers.get('content-length') ?? NaN);
      if (declared > maxBytes) throw tooLarge(`Content-Length ${declared}`);
      if (!response.body) {
        const whole = await response.arrayBuffer();
        if (whole.byteLength > maxBytes) throw tooLarge(`${whole.byteLength} bytes`);
        return { bytes: whole, url: finalUrl };
      }
      const chunks: Uint8Array[] = [];
      let total = 0;
      const reader = response.body.getReader();
      for (let part = await reader.read(); !part.done; part = await reader.read()) {
        total += part.value.byteLength;
        if (total > maxBytes) {
          await reader.cancel();
          throw tooLarge(`more than ${maxBytes} bytes`);
        }
        chunks.push(part.value);
      }
      return { bytes: joinBuffers(chunks.map((c) => c.buffer.slice(c.byteOffset, c.byteOffset + c.byteLength) as ArrayBuffer)), url: finalUrl };
    } catch (error) {
      if (error instanceof FileFormatError) throw error;
      const stopped = deadline.stopReason();
      if (stopped !== null) throw new FileFormatError(url, `${url}: cannot fetch ${what}: ${describeStop(stopped)}.`, { cause: error });
      throw new FileFormatError(url, `${url}: cannot fetch ${what} (${error instanceof Error ? shortText(error.message) : describeValue(error)}).`, { cause: error });
    }
  }
}

type LoadDeadline = ReturnType<typeof loadDeadline>;

/** A server's or a network stack's text, cut to a readable length: a message never carries much of what a server sent. */
function shortText(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}… (${text.length} characters)` : text;
}

/**
 * Every weights path, in manifest order (their bytes are concatenated in
 * that order), each checked to stay beside the model.json: relative (no
 * leading slash, drive letter or URL scheme) and without a '..' segment, as
 * on disk (weight-paths.ts), so a model file cannot make the loader fetch
 * from elsewhere.
 */
function weightPaths(groups: readonly WeightsGroup[], source: string): string[] {
  const paths = groups.flatMap((group) => group.paths);
  for (const [i, path] of paths.entries()) {
    const problem = weightPathProblem(path) ?? (paths.indexOf(path) < i ? 'the file is listed twice' : null);
    if (problem !== null) {
      throw new FileFormatError(
        source,
        `${source}: weightsManifest paths[${i}]: ${problem}; weightsManifest paths must name files relative to the model.json, in its directory or below it ` +
          `(no absolute path, URL or '..'), each once, so a model file cannot make the loader read elsewhere. Received: ${describeValue(path)}`,
      );
    }
  }
  return paths;
}

/**
 * Re-checks artifacts that came from a browser store as parseModelJSON
 * checks a file: the store may hold anything another script put there.
 */
function checkedArtifacts(artifacts: ModelArtifacts, weightData: ArrayBuffer, source: string): ModelArtifacts {
  // Checked before JSON.stringify walks it: a structure nested 200,000 deep would overflow its stack (a RangeError).
  for (const [key, value] of Object.entries(artifacts)) {
    if (key !== 'weightData' && valueDepth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      throw new FileFormatError(source, `${source}: the stored ${key} nests deeper than ${MAX_JSON_DEPTH} levels, which no model does. Received: more than ${MAX_JSON_DEPTH} levels`);
    }
  }
  const text = JSON.stringify(modelJSONFromArtifacts(artifacts, ['weights']));
  const checked = parseModelJSON(text, source).artifacts;
  checked.weightData = weightData;
  checked.sources = { modelJSON: source, weights: source };
  return checked;
}

const DATABASE = 'tensorflowjs';
const MODELS_STORE = 'models_store';
const INFO_STORE = 'model_info_store';

/** Saves to and loads from IndexedDB under `name`, in TF.js's database layout. */
export class IndexedDBHandler implements IOHandler {
  readonly url: string;

  constructor(readonly name: string) {
    this.url = `indexeddb://${name}`;
    if (name === '') throw new ValueError(`indexeddb://: the model needs a name, as in 'indexeddb://my-model'. Received: '${this.url}'`);
  }

  async save(artifacts: ModelArtifacts): Promise<SaveResult> {
    const result = describeSave(artifacts);
    const { sources: _sources, ...stored } = artifacts;
    const modelArtifacts = { ...stored, weightData: joinBuffers(artifacts.weightData).slice(0) };
    await this.transaction('readwrite', (models, infos) => {
      infos.put({ modelPath: this.name, modelArtifactsInfo: result.modelArtifactsInfo });
      models.put({ modelPath: this.name, modelArtifacts });
    });
    return result;
  }

  async load(): Promise<ModelArtifacts> {
    let record: unknown;
    await this.transaction('readonly', (models) => {
      const request = models.get(this.name);
      request.onsuccess = () => (record = request.result);
    });
    const artifacts = (record as { modelArtifacts?: ModelArtifacts } | undefined)?.modelArtifacts;
    if (artifacts === undefined) throw new FileFormatError(this.url, `${this.url}: no model is saved under this name in IndexedDB.`);
    if (!(artifacts.weightData instanceof ArrayBuffer) && !Array.isArray(artifacts.weightData)) {
      throw new FileFormatError(this.url, `${this.url}: the stored model has no weight data. Received: ${describeValue(artifacts.weightData)}`);
    }
    return checkedArtifacts(artifacts, joinBuffers(artifacts.weightData), this.url);
  }

  /** Runs `work` in one transaction over both stores and resolves when it commits. */
  private async transaction(mode: IDBTransactionMode, work: (models: IDBObjectStore, infos: IDBObjectStore) => void): Promise<void> {
    const db = await openDatabase(this.url);
    try {
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction([MODELS_STORE, INFO_STORE], mode);
        work(tx.objectStore(MODELS_STORE), tx.objectStore(INFO_STORE));
        tx.oncomplete = () => resolve();
        tx.onerror = tx.onabort = () => reject(storageError(this.url, 'IndexedDB', tx.error));
      });
    } finally {
      db.close();
    }
  }
}

function openDatabase(url: string): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') {
    return Promise.reject(new RuntimeError(`${url}: IndexedDB is not available here (a browser page or worker has it; Node does not).`));
  }
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(MODELS_STORE)) db.createObjectStore(MODELS_STORE, { keyPath: 'modelPath' });
      if (!db.objectStoreNames.contains(INFO_STORE)) db.createObjectStore(INFO_STORE, { keyPath: 'modelPath' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(storageError(url, 'IndexedDB', request.error));
  });
}

function storageError(url: string, store: string, cause: unknown): RuntimeError {
  const message = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return new RuntimeError(`${url}: ${store} refused the operation (${message}).`, { cause });
}

const LOCAL_STORAGE_PREFIX = 'tensorflowjs_models';
const LOCAL_STORAGE_PARTS = ['info', 'topology', 'weight_specs', 'weight_data', 'model_metadata'] as const;

/** Saves to and loads from localStorage under `name`, in TF.js's key layout (weights as base64). */
export class LocalStorageHandler implements IOHandler {
  readonly url: string;

  constructor(readonly name: string) {
    this.url = `localstorage://${name}`;
    if (name === '') throw new ValueError(`localstorage://: the model needs a name, as in 'localstorage://my-model'. Received: '${this.url}'`);
  }

  private key(part: (typeof LOCAL_STORAGE_PARTS)[number]): string {
    return `${LOCAL_STORAGE_PREFIX}/${this.name}/${part}`;
  }

  async save(artifacts: ModelArtifacts): Promise<SaveResult> {
    const storage = this.storage();
    const result = describeSave(artifacts);
    const metadata = {
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      ...(artifacts.trainingConfig === undefined ? {} : { trainingConfig: artifacts.trainingConfig }),
      ...(artifacts.userDefinedMetadata === undefined ? {} : { userDefinedMetadata: artifacts.userDefinedMetadata }),
    };
    const values: Record<(typeof LOCAL_STORAGE_PARTS)[number], string> = {
      info: JSON.stringify(result.modelArtifactsInfo),
      topology: JSON.stringify(artifacts.modelTopology),
      weight_specs: JSON.stringify(artifacts.weightSpecs ?? []),
      weight_data: toBase64(joinBuffers(artifacts.weightData)),
      model_metadata: JSON.stringify(metadata),
    };
    // All or nothing: a save that does not fit (the quota is usually ~5 MB) puts back what was there,
    // so a model saved earlier under this name still loads. The new parts go first, freeing their room.
    const previous = LOCAL_STORAGE_PARTS.map((part) => [part, storage.getItem(this.key(part))] as const);
    try {
      for (const part of LOCAL_STORAGE_PARTS) storage.setItem(this.key(part), values[part]);
    } catch (error) {
      for (const part of LOCAL_STORAGE_PARTS) storage.removeItem(this.key(part));
      for (const [part, value] of previous) if (value !== null) storage.setItem(this.key(part), value);
      throw storageError(this.url, 'localStorage', error);
    }
    return result;
  }

  async load(): Promise<ModelArtifacts> {
    const storage = this.storage();
    const read = (part: (typeof LOCAL_STORAGE_PARTS)[number]) => storage.getItem(this.key(part));
    if (read('info') === null) throw new FileFormatError(this.url, `${this.url}: no model is saved under this name in localStorage.`);
    // Read as a file is: bounded in size and depth, and never quoted (another script may have put anything there).
    const parse = (part: 'topology' | 'weight_specs' | 'model_metadata'): unknown => {
      const text = read(part);
      if (text === null) return undefined;
      if (text.length > MAX_MODEL_JSON_BYTES) {
        throw new FileFormatError(this.url, `${this.url}: the stored ${part} is larger than any model's; expected at most ${MAX_MODEL_JSON_BYTES} characters. Received: ${text.length}`);
      }
      return parseJSONFile(text, this.url, `stored ${part}`);
    };
    const metadata = (parse('model_metadata') ?? {}) as Partial<ModelArtifacts>;
    const weightData = fromBase64(read('weight_data') ?? '', this.url);
    const artifacts: ModelArtifacts = { ...metadata, modelTopology: parse('topology'), weightSpecs: parse('weight_specs') as ModelArtifacts['weightSpecs'] };
    return checkedArtifacts(artifacts, weightData, this.url);
  }

  private storage(): Storage {
    if (typeof localStorage === 'undefined') {
      throw new RuntimeError(`${this.url}: localStorage is not available here (a browser page has it; workers and Node do not).`);
    }
    return localStorage;
  }
}

function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  // In slices, since String.fromCharCode takes its bytes as arguments.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string, url: string): ArrayBuffer {
  let binary: string;
  try {
    binary = atob(text);
  } catch (error) {
    throw new FileFormatError(url, `${url}: the stored weight_data is not valid base64. Received: ${(error as Error).message}`);
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/**
 * Loads from files the user picked: the model.json first, then the weights
 * files its manifest names, matched by file name (TF.js's `io.browserFiles`).
 */
/** The most files one pick may hold: a model.json and its weights shards. */
const MAX_PICKED_FILES = 10_000;

export class BrowserFilesHandler implements IOHandler {
  private readonly files: readonly File[];

  constructor(files: ArrayLike<File>) {
    // A length checked first: Array.from({ length: 2 ** 32 }) would throw a RangeError, a large one fill memory.
    const length = typeof files === 'object' && files !== null ? (files as { length?: unknown }).length : undefined;
    this.files = typeof length === 'number' && Number.isInteger(length) && length >= 0 && length <= MAX_PICKED_FILES ? Array.from(files) : [];
    if (this.files.length === 0 || !this.files.every((f) => typeof Blob !== 'undefined' && f instanceof Blob && typeof f.name === 'string')) {
      throw new ValueError(
        `io.browserFiles: expected the picked files, model.json first and then its weights files. Received: ${describeValue(files)}`,
      );
    }
  }

  /**
   * The picked file whole when it is a `.keras` or `.h5` file (told by its
   * first bytes), for loadModel; null when the pick is a model.json and its
   * weights. At most `maxBytes`.
   */
  async loadKerasFile(_options: HandlerLoadOptions, maxBytes: number): Promise<KerasFile | null> {
    const first = this.files[0]!;
    if (kerasFileFormat(new Uint8Array(await first.slice(0, 8).arrayBuffer())) === null) return null;
    if (this.files.length > 1) {
      throw new ValueError(`io.browserFiles: ${excerpt(first.name)} is a Keras file, which holds the whole model; pick it alone. Received: ${this.files.length} files`);
    }
    if (first.size > maxBytes) throw new FileFormatError(first.name, `${first.name}: too large to read; expected at most ${maxBytes} bytes. Received: ${first.size} bytes`);
    return { bytes: new Uint8Array(await first.arrayBuffer()), name: first.name };
  }

  async load(): Promise<ModelArtifacts> {
    const [jsonFile, ...weightFiles] = this.files as [File, ...File[]];
    if (jsonFile.size > MAX_MODEL_JSON_BYTES) {
      throw new FileFormatError(jsonFile.name, `${jsonFile.name}: too large for a model.json; expected at most ${MAX_MODEL_JSON_BYTES} bytes. Received: ${jsonFile.size} bytes`);
    }
    const { artifacts, groups } = parseModelJSON(await jsonFile.text(), jsonFile.name);
    const byName = new Map<string, File>();
    for (const file of weightFiles) {
      if (byName.has(file.name)) throw new ValueError(`io.browserFiles: two weights files are named ${excerpt(file.name)}. Received: ${weightFiles.length} files`);
      byName.set(file.name, file);
    }
    const paths = weightPaths(groups, jsonFile.name);
    const names = paths.map((path) => path.split('/').pop()!);
    const missing = names.filter((name) => !byName.has(name));
    if (missing.length > 0) {
      throw new FileFormatError(
        jsonFile.name,
        `${jsonFile.name}: its weightsManifest needs ${missing.join(', ')}, which was not among the picked files. ` +
          `Received: ${weightFiles.map((f) => f.name).join(', ') || 'no weights files'}`,
      );
    }
    const unused = [...byName.keys()].filter((name) => !names.includes(name));
    if (unused.length > 0) {
      throw new ValueError(`io.browserFiles: ${unused.join(', ')} is not listed in ${jsonFile.name}'s weightsManifest. Received: ${unused.join(', ')}`);
    }
    // Sizes are known before reading: files that cannot hold the declared weights are not read.
    const expected = manifestByteLength(artifacts.weightSpecs ?? [], jsonFile.name);
    const total = names.reduce((n, name) => n + byName.get(name)!.size, 0);
    if (total !== expected) throw new FileFormatError(names[0] ?? jsonFile.name, byteCountMessage(names.join(' + '), expected, artifacts.weightSpecs?.length ?? 0, total));
    artifacts.weightData = await Promise.all(names.map((name) => byName.get(name)!.arrayBuffer()));
    artifacts.sources = { modelJSON: jsonFile.name, weights: names.join(' + ') };
    return artifacts;
  }
}
