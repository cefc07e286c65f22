/**
 * The web dataset loaders (the browser's, run here in Node) as an attacker
 * would call them: any options at all end in a result or a TinykerasError,
 * and nothing is fetched from outside the origin given. (The browser's model
 * handlers under attack: test/saving/hostile-web.test.ts.)
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fashionMnist, mnist } from '../../src/data/idx-dataset-web.js';
import { TinykerasError } from '../../src/errors.js';
import { serveRoutes, recordFetches } from '../support/http-fixtures.js';

let server: Awaited<ReturnType<typeof serveRoutes>>;
const fetched: string[] = [];

beforeAll(async () => {
  server = await serveRoutes(new Map());
  afterAll(recordFetches(fetched));
});
afterAll(() => server.close());

describe('the web dataset loaders, any options', () => {
  it('end in a result or a TinykerasError, fetching only from the origin given', async () => {
    // Plain objects (and no options at all) get the local server as origin: the suite never reaches the internet.
    const local = { origin: `${server.origin}/nothing/`, cache: false };
    const safe = (v: unknown) =>
      v === undefined ? local : v !== null && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v)) ? { ...(v as object), ...local } : v;
    let cases = 0;
    fetched.length = 0;
    for (const loader of [fashionMnist, mnist]) {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.anything({ maxDepth: 2, withNullPrototype: true, withTypedArray: true })), async (v) => {
          cases++;
          try {
            await loader.loadData(safe(v) as never);
          } catch (error) {
            if (!(error instanceof TinykerasError)) throw error;
          }
        }),
        { numRuns: 100 },
      );
    }
    expect(cases).toBe(200);
    expect(fetched.filter((url) => !url.startsWith(server.origin))).toEqual([]);
  });
});
