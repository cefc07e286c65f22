/**
 * The browser's model stores in a real Chromium, used as a full disk or
 * another script would leave them: a localStorage save over the quota leaves
 * the model saved before it loadable, and whatever a store holds (nested
 * 200,000 deep, random JSON, random bytes) loads as a model or fails with a
 * tinykeras error, never a RangeError or a hang.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openLibraryPage, type LibraryPage } from './chromium.js';
import type { bandImages, seedModel } from './fixture.js';

let opened: LibraryPage;
let page: Page;

beforeAll(async () => {
  opened = await openLibraryPage();
  page = opened.page;
}, 120_000);

afterAll(() => opened?.close());

declare const fixture: { seedModel: typeof seedModel; bandImages: typeof bandImages };

/** The error names a load may end in, besides a model. */
const TINYKERAS_ERRORS = ['FileFormatError', 'ValueError', 'ShapeError', 'RuntimeError'];

describe('localStorage saves are all or nothing', () => {
  it('a save over the quota fails with a RuntimeError and leaves the model saved before it loadable, unchanged', async () => {
    const outcome = await page.evaluate(async () => {
      const k = (globalThis as any).keras;
      localStorage.clear();
      k.setRandomSeed(3);
      const small = fixture.seedModel(k);
      await small.save('localstorage://quota');
      const x = fixture.bandImages(k, 2, 4)[0];
      const expected = Array.from(small.predict(x, { verbose: 0 }).data as Float32Array);
      // 2,000 × 1,000 float32s: 8 MB, over 10 MB as base64, twice Chromium's 5 MB (of UTF-16) quota.
      const large = new k.Sequential([new k.layers.Dense(1000, { inputShape: [2000] })]);
      const error = await large.save('localstorage://quota').then(() => null, (e: Error) => `${e.name}: ${e.message}`);
      const loaded = await k.models.loadModel('localstorage://quota');
      const again = Array.from(loaded.predict(x, { verbose: 0 }).data as Float32Array);
      return { error, same: again.length === expected.length && again.every((v, i) => v === expected[i]) };
    });
    expect(outcome.error).toMatch(/^RuntimeError: localstorage:\/\/quota: localStorage refused the operation \(QuotaExceededError/);
    expect(outcome.same).toBe(true);
  });
});

describe('browser stores holding anything', () => {
  it('a topology nested 200,000 deep in localStorage, or 1,500 deep in IndexedDB, is a FileFormatError, not a RangeError', async () => {
    const names = await page.evaluate(async () => {
      const k = (globalThis as any).keras;
      const describe = (p: Promise<unknown>) => p.then(() => 'loaded', (e: Error) => `${e.name}: ${e.message.slice(0, 200)}`);
      const text = '['.repeat(200_000) + ']'.repeat(200_000);
      localStorage.clear();
      for (const [part, value] of Object.entries({ info: '{}', topology: text, weight_specs: '[]', weight_data: '', model_metadata: '{}' })) {
        localStorage.setItem(`tensorflowjs_models/deep/${part}`, value);
      }
      const fromLocal = await describe(k.models.loadModel('localstorage://deep'));
      // IndexedDB stores a structured clone, which Chromium itself refuses to store past a few thousand levels.
      let deep: unknown = 1;
      for (let i = 0; i < 1_500; i++) deep = [deep];
      await fixture.seedModel(k).save('indexeddb://deep');
      await new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('tensorflowjs', 1);
        open.onsuccess = () => {
          try {
            const tx = open.result.transaction(['models_store'], 'readwrite');
            tx.objectStore('models_store').put({ modelPath: 'deep', modelArtifacts: { modelTopology: deep, weightSpecs: [], weightData: new ArrayBuffer(0) } });
            tx.oncomplete = () => (open.result.close(), resolve());
            tx.onerror = () => reject(tx.error);
          } catch (error) {
            reject(error);
          }
        };
        open.onerror = () => reject(open.error);
      });
      const fromIndexedDB = await describe(k.models.loadModel('indexeddb://deep'));
      return [fromLocal, fromIndexedDB];
    });
    expect(names[0]).toMatch(/^FileFormatError: localstorage:\/\/deep: the stored topology nests deeper than 64 levels/);
    expect(names[1]).toMatch(/^FileFormatError: indexeddb:\/\/deep: the stored modelTopology nests deeper than 64 levels/);
  }, 60_000);

  it('random contents of every localStorage part and IndexedDB record load as a model or end in a tinykeras error (fuzzed)', async () => {
    // Values made here by fast-check, stored there by the page as another script could.
    const json = fc.oneof(fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)), fc.string({ maxLength: 60 }), fc.constantFrom('{}', '[]', 'null', ''));
    const part = fc.record({
      info: fc.option(json, { nil: null }),
      topology: json,
      weight_specs: json,
      weight_data: fc.oneof(fc.base64String({ maxLength: 80 }), fc.string({ maxLength: 20 })),
      model_metadata: json,
    });
    const record = fc.record({
      modelTopology: fc.jsonValue({ maxDepth: 4 }),
      weightSpecs: fc.jsonValue({ maxDepth: 3 }),
      weightData: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 64 }).map((n) => ({ bytes: n }))),
      format: fc.oneof(fc.constant('layers-model'), fc.string({ maxLength: 8 })),
    });
    // Plain JSON for the page (typed loosely: the page only stores them).
    const localCases: Record<string, string | null>[] = fc.sample(part, { numRuns: 150, seed: 22 });
    const dbCases = JSON.parse(JSON.stringify(fc.sample(record, { numRuns: 150, seed: 23 }))) as Record<string, unknown>[];
    const outcomes = await page.evaluate(
      async ({ localCases, dbCases }) => {
        const k = (globalThis as any).keras;
        const seen: string[] = [];
        const settle = (p: Promise<unknown>) =>
          Promise.race([p.then(() => 'model', (e: Error) => e?.name ?? String(e)), new Promise((r) => setTimeout(() => r('hang'), 5000))]) as Promise<string>;
        for (const c of localCases) {
          localStorage.clear();
          for (const [key, value] of Object.entries(c)) if (value !== null) localStorage.setItem(`tensorflowjs_models/fuzz/${key}`, value as string);
          seen.push(await settle(k.models.loadModel('localstorage://fuzz')));
        }
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const open = indexedDB.open('tensorflowjs', 1);
          open.onupgradeneeded = () => {
            open.result.createObjectStore('models_store', { keyPath: 'modelPath' });
            open.result.createObjectStore('model_info_store', { keyPath: 'modelPath' });
          };
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(open.error);
        });
        for (const c of dbCases) {
          const weightData = c.weightData === null ? null : new Uint8Array((c.weightData as { bytes: number }).bytes).fill(7).buffer;
          await new Promise<void>((resolve, reject) => {
            const tx = db.transaction(['models_store'], 'readwrite');
            tx.objectStore('models_store').put({ modelPath: 'fuzz', modelArtifacts: { ...c, weightData } });
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          });
          seen.push(await settle(k.models.loadModel('indexeddb://fuzz')));
        }
        db.close();
        return seen;
      },
      { localCases, dbCases },
    );
    expect(outcomes).toHaveLength(300);
    const unexpected = outcomes.filter((o) => o !== 'model' && !TINYKERAS_ERRORS.includes(o));
    expect(unexpected).toEqual([]);
  });
});
