/**
 * Saving and loading models from the page: downloads (the library's
 * 'downloads://' handler), files the user picks (model.json and its
 * weights file, read here and handed to `keras.io.fromMemory`), and this
 * browser's IndexedDB (one stored model, kept by the playground).
 */
import * as keras from 'tinykeras';
import { parseModelJSON } from '../../src/saving/artifacts.js';

export const DOWNLOAD_NAME = 'fashion-mnist-playground';

export async function downloadModel(artifacts: keras.ModelArtifacts): Promise<void> {
  await keras.io.browserDownloads(DOWNLOAD_NAME).save(artifacts);
}

/** The artifacts of a model.json among `files`, with its weights read from the files its manifest names. */
export async function artifactsFromFiles(files: readonly File[]): Promise<keras.ModelArtifacts> {
  const jsonFile = files.find((f) => f.name.endsWith('.json'));
  if (jsonFile === undefined) {
    throw new Error(`Pick the model's .json file and its weights file together. Received: ${files.map((f) => f.name).join(', ') || 'no files'}`);
  }
  const { artifacts, groups } = parseModelJSON(await jsonFile.text(), jsonFile.name);
  const buffers: ArrayBuffer[] = [];
  for (const path of groups.flatMap((g) => g.paths)) {
    const name = path.split('/').pop()!;
    const file = files.find((f) => f.name === name);
    if (file === undefined) throw new Error(`${jsonFile.name} stores its weights in ${name}: pick that file too.`);
    buffers.push(await file.arrayBuffer());
  }
  return { ...artifacts, weightData: buffers, sources: { modelJSON: jsonFile.name, weights: buffers.length === 1 ? groups[0]!.paths[0]! : 'weights files' } };
}

const DB_NAME = 'tinykeras-playground';
const STORE = 'models';
const KEY = 'latest';

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function transaction<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = act(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

export interface StoredModel {
  artifacts: keras.ModelArtifacts;
  savedAt: string;
}

export async function saveToIndexedDb(artifacts: keras.ModelArtifacts): Promise<void> {
  const { sources: _sources, ...plain } = artifacts;
  await transaction('readwrite', (store) => store.put({ artifacts: plain, savedAt: new Date().toISOString() } satisfies StoredModel, KEY));
}

export async function loadFromIndexedDb(): Promise<StoredModel | null> {
  return ((await transaction('readonly', (store) => store.get(KEY))) as StoredModel | undefined) ?? null;
}
